import { Show, splitProps, type JSX } from 'solid-js';
import styles from './Button.module.css';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends JSX.ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'medium' | 'small';
  block?: boolean;
  iconOnly?: boolean;
  /** Shows a spinner, disables the button and sets aria-busy. */
  loading?: boolean;
}

export function Button(props: ButtonProps) {
  const [local, rest] = splitProps(props, [
    'variant',
    'size',
    'block',
    'iconOnly',
    'loading',
    'class',
    'children',
    'disabled',
    'type',
  ]);
  return (
    <button
      {...rest}
      type={local.type ?? 'button'}
      disabled={local.disabled || local.loading}
      aria-busy={local.loading ? 'true' : undefined}
      class={[
        styles.button,
        styles[local.variant ?? 'secondary'],
        local.size === 'small' ? styles.small : '',
        local.block ? styles.block : '',
        local.iconOnly ? styles.iconOnly : '',
        local.class ?? '',
      ].join(' ')}
    >
      <Show when={local.loading}>
        <span class={styles.spinner} aria-hidden="true" />
      </Show>
      {local.children}
    </button>
  );
}
