import { createEffect, createUniqueId, onCleanup, Show, type JSX } from 'solid-js';
import { Button } from './Button.js';
import { Icon } from './icons.js';
import styles from './Dialog.module.css';

/**
 * A modal dialog on the native <dialog> element: focus stays inside, Escape and the backdrop
 * close it, and focus returns to whatever opened it.
 */
export function Dialog(props: {
  open: boolean;
  title: string;
  description?: string;
  onClose: () => void;
  children: JSX.Element;
  footer?: JSX.Element;
  testId?: string;
}) {
  const titleId = createUniqueId();
  let dialog: HTMLDialogElement | undefined;
  let opener: Element | null = null;

  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  });

  onCleanup(() => {
    if (dialog?.open) dialog.close();
  });

  const onClosed = () => {
    if (opener instanceof HTMLElement) opener.focus();
    opener = null;
    if (props.open) props.onClose();
  };

  return (
    <dialog
      ref={(element) => (dialog = element)}
      class={styles.dialog}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onClose={onClosed}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (event.target === dialog) props.onClose();
      }}
    >
      <Show when={props.open}>
        <div class={styles.panel}>
          <header class={styles.header}>
            <div>
              <h2 class={styles.title} id={titleId}>
                {props.title}
              </h2>
              <Show when={props.description}>
                <p class={styles.description}>{props.description}</p>
              </Show>
            </div>
            <Button variant="ghost" iconOnly size="small" aria-label="Close" onClick={() => props.onClose()}>
              <Icon name="close" size={20} />
            </Button>
          </header>
          <div class={styles.body}>{props.children}</div>
          <Show when={props.footer}>
            <footer class={styles.footer}>{props.footer}</footer>
          </Show>
        </div>
      </Show>
    </dialog>
  );
}
