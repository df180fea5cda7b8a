import { createSignal, createUniqueId, Show, splitProps, type JSX } from 'solid-js';
import { Icon } from './icons.js';
import styles from './TextField.module.css';

export interface TextFieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput'> {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
  error?: string | undefined;
  /** Marks the input invalid without a message of its own (a form-level message names it). */
  invalid?: boolean;
  optional?: boolean;
  /** Ids of other elements that describe this input (a form-level error naming this field). */
  describedBy?: string | undefined;
  /** For password inputs: a button that shows or hides the text. */
  revealable?: boolean;
  testId?: string;
  ref?: (el: HTMLInputElement) => void;
}

/** A labelled input with its hint and validation message wired up for assistive technology. */
export function TextField(props: TextFieldProps) {
  const [local, rest] = splitProps(props, [
    'label',
    'value',
    'onValue',
    'hint',
    'error',
    'invalid',
    'optional',
    'describedBy',
    'revealable',
    'testId',
    'type',
    'id',
    'ref',
  ]);
  const id = local.id ?? createUniqueId();
  const [revealed, setRevealed] = createSignal(false);
  const describedBy = () =>
    [local.error ? `${id}-error` : '', local.hint && !local.error ? `${id}-hint` : '', local.describedBy ?? '']
      .filter(Boolean)
      .join(' ') || undefined;

  return (
    <div class={styles.field}>
      <div class={styles.labelRow}>
        <label class={styles.label} for={id}>
          {local.label}
        </label>
        <Show when={local.optional}>
          <span class={styles.optional}>Optional</span>
        </Show>
      </div>
      <div class={styles.control}>
        <input
          {...rest}
          ref={local.ref}
          id={id}
          type={local.revealable && revealed() ? 'text' : (local.type ?? 'text')}
          class={`${styles.input} ${local.revealable ? styles.withTrailing : ''}`}
          value={local.value}
          onInput={(event) => local.onValue(event.currentTarget.value)}
          aria-invalid={local.error || local.invalid ? 'true' : undefined}
          aria-describedby={describedBy()}
          data-testid={local.testId}
        />
        <Show when={local.revealable}>
          <button
            type="button"
            class={styles.trailing}
            onClick={() => setRevealed(!revealed())}
            aria-label={revealed() ? 'Hide password' : 'Show password'}
            aria-pressed={revealed()}
            aria-controls={id}
          >
            <Icon name={revealed() ? 'eye-off' : 'eye'} size={18} />
          </button>
        </Show>
      </div>
      <Show when={local.error}>
        <p class={styles.error} id={`${id}-error`} data-testid={local.testId ? `${local.testId}-error` : undefined}>
          <Icon name="alert" size={16} />
          <span>{local.error}</span>
        </p>
      </Show>
      <Show when={local.hint && !local.error}>
        <p class={styles.hint} id={`${id}-hint`}>
          {local.hint}
        </p>
      </Show>
    </div>
  );
}
