import { For, Match, Switch, type JSX } from 'solid-js';
import type { LoadStatus } from '../state/loadStatus.js';
import { EmptyState } from '../ui/EmptyState.js';
import styles from './SidebarList.module.css';

/** A store of the sidebar that loads a list from the server (contacts, conversations). */
export interface LoadedList<T> {
  list(): readonly T[];
  status(): LoadStatus;
  error(): string | null;
}

/**
 * One list of the sidebar: the loading line and the load error only while there is nothing to
 * show yet (a failed reload keeps the list), an empty state, then one item per entry.
 */
export function SidebarList<T>(props: {
  source: LoadedList<T>;
  /** e.g. "Loading contacts…" */
  loading: string;
  empty: { title: string; body: string; testId: string };
  children: (item: T) => JSX.Element;
}): JSX.Element {
  const nothingYet = () => props.source.list().length === 0;
  return (
    <Switch>
      <Match when={props.source.status() === 'loading' && nothingYet()}>
        <p class={styles.loading}>{props.loading}</p>
      </Match>
      <Match when={props.source.status() === 'error' && nothingYet()}>
        <p class={styles.error} role="alert">
          {props.source.error()}
        </p>
      </Match>
      <Match when={nothingYet()}>
        <EmptyState compact title={props.empty.title} body={props.empty.body} testId={props.empty.testId} />
      </Match>
      <Match when={true}>
        <ul class={styles.list}>
          <For each={props.source.list()}>{(item) => props.children(item)}</For>
        </ul>
      </Match>
    </Switch>
  );
}
