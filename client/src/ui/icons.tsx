import type { JSX } from 'solid-js';

/** Line icons (24×24, stroke = currentColor). Decorative unless given a title by the caller. */
export type IconName =
  | 'menu'
  | 'close'
  | 'logout'
  | 'video'
  | 'chat'
  | 'users'
  | 'plus'
  | 'eye'
  | 'eye-off'
  | 'alert'
  | 'arrow-left'
  | 'lock'
  | 'search'
  | 'send'
  | 'clock'
  | 'check'
  | 'retry'
  | 'user-plus'
  | 'arrow-down';

/** Functions, not elements: a JSX element is one DOM node and can only be in one place. */
export const iconPaths: Record<IconName, () => JSX.Element> = {
  menu: () => <path d="M4 6h16M4 12h16M4 18h16" />,
  close: () => <path d="M6 6l12 12M18 6L6 18" />,
  logout: () => (
    <>
      <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3" />
      <path d="M10 17l-5-5 5-5M5 12h11" />
    </>
  ),
  video: () => (
    <>
      <rect x="3" y="6" width="13" height="12" rx="2.5" />
      <path d="M16 10.5l5-3v9l-5-3" />
    </>
  ),
  chat: () => <path d="M5 5h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-7l-5 4v-4H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z" />,
  users: () => (
    <>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.5 20c.6-3.6 3.2-5.5 6.5-5.5s5.9 1.9 6.5 5.5" />
      <path d="M16 4.8a3.5 3.5 0 0 1 0 6.4M18 14.8c2 .7 3.2 2.4 3.5 5.2" />
    </>
  ),
  plus: () => <path d="M12 5v14M5 12h14" />,
  eye: () => (
    <>
      <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
    </>
  ),
  'eye-off': () => (
    <>
      <path d="M10.6 5.1A10.8 10.8 0 0 1 12 5c6.4 0 10 7 10 7a17.6 17.6 0 0 1-2.6 3.6M6.6 6.6C3.8 8.4 2 12 2 12s3.6 7 10 7a9.7 9.7 0 0 0 5.4-1.6" />
      <path d="M9.9 9.9a3 3 0 0 0 4.2 4.2M3 3l18 18" />
    </>
  ),
  alert: () => (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7.5v5.5M12 16.5v.01" />
    </>
  ),
  'arrow-left': () => <path d="M19 12H5M11 6l-6 6 6 6" />,
  lock: () => (
    <>
      <rect x="4.5" y="10.5" width="15" height="10" rx="2.5" />
      <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
    </>
  ),
  search: () => (
    <>
      <circle cx="11" cy="11" r="6.5" />
      <path d="M20 20l-4.2-4.2" />
    </>
  ),
  send: () => <path d="M4.5 12L3 4.5 21 12 3 19.5 4.5 12zm0 0H12" />,
  clock: () => (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5V12l3 2" />
    </>
  ),
  check: () => <path d="M5 12.5l4.5 4.5L19 7.5" />,
  retry: () => (
    <>
      <path d="M4 12a8 8 0 0 1 13.7-5.6L20 8.5" />
      <path d="M20 4v4.5h-4.5M20 12a8 8 0 0 1-13.7 5.6L4 15.5" />
      <path d="M4 20v-4.5h4.5" />
    </>
  ),
  'user-plus': () => (
    <>
      <circle cx="9.5" cy="8" r="3.5" />
      <path d="M3 20c.6-3.6 3.2-5.5 6.5-5.5s5.9 1.9 6.5 5.5M19 8v6M16 11h6" />
    </>
  ),
  'arrow-down': () => <path d="M12 5v14M6 13l6 6 6-6" />,
};

/** The 24×24 line-icon frame shared by every icon set of the app. */
export function IconSvg(props: { size?: number; class?: string; children: JSX.Element }) {
  return (
    <svg
      class={props.class}
      width={props.size ?? 20}
      height={props.size ?? 20}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      {props.children}
    </svg>
  );
}

export function Icon(props: { name: IconName; size?: number; class?: string }) {
  return (
    <IconSvg size={props.size} class={props.class}>
      {iconPaths[props.name]()}
    </IconSvg>
  );
}
