import { createEffect } from 'solid-js';

/** Sets the document title for the page that calls it: "<title> · Parley". */
export function useTitle(title: () => string | undefined): void {
  createEffect(() => {
    const value = title();
    document.title = value ? `${value} · Parley` : 'Parley';
  });
}
