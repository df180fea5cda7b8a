import { CreateConversationBody } from '@parley/protocol';
import { useNavigate } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { ApiError } from '../api/ApiError.js';
import { contacts } from '../state/contacts.js';
import { createGroup } from '../state/conversations.js';
import { isOnline } from '../state/presence.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';
import { PresenceAvatar } from '../ui/PresenceAvatar.js';
import { TextField } from '../ui/TextField.js';
import styles from './NewGroupDialog.module.css';
import { UserNames } from './UserNames.js';

/** Creates a group conversation (POST /api/conversations) with a title and chosen contacts. */
export function NewGroupDialog(props: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [title, setTitle] = createSignal('');
  const [chosen, setChosen] = createSignal<ReadonlySet<string>>(new Set());
  const [titleError, setTitleError] = createSignal<string | undefined>();
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);

  const reset = () => {
    setTitle('');
    setChosen(new Set<string>());
    setTitleError(undefined);
    setError(null);
  };

  const close = () => {
    if (saving()) return;
    props.onClose();
    reset();
  };

  const toggle = (userId: string, on: boolean) => {
    const next = new Set(chosen());
    if (on) next.add(userId);
    else next.delete(userId);
    setChosen(next);
    setError(null);
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const parsed = CreateConversationBody.safeParse({ title: title(), memberIds: [...chosen()] });
    if (!parsed.success) {
      const issues = parsed.error.issues;
      setTitleError(
        issues.some((issue) => issue.path[0] === 'title') ? 'Give the group a name (up to 100 characters).' : undefined,
      );
      setError(issues.some((issue) => issue.path[0] === 'memberIds') ? 'Choose at least one contact.' : null);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const conversation = await createGroup(parsed.data.title, parsed.data.memberIds);
      props.onClose();
      reset();
      navigate(`/c/${encodeURIComponent(conversation.id)}`);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not create the group.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog
      open={props.open}
      onClose={close}
      title="New group"
      description="Name the group and pick who is in it."
      testId="new-group-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={saving()}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="new-group-form" loading={saving()} data-testid="create-group">
            Create group
          </Button>
        </>
      }
    >
      <form class={styles.form} onSubmit={(event) => void submit(event)} id="new-group-form" novalidate>
        <TextField
          label="Group name"
          value={title()}
          onValue={(value) => {
            setTitle(value);
            setTitleError(undefined);
          }}
          error={titleError()}
          maxLength={100}
          autofocus
          placeholder="e.g. Design review"
          testId="group-title"
        />
        <fieldset class={styles.members}>
          <legend class={styles.legend}>
            Members <span class={styles.count}>{chosen().size} chosen</span>
          </legend>
          <Show
            when={contacts.list().length > 0}
            fallback={<p class={styles.note}>Add contacts first: groups are made of your contacts.</p>}
          >
            <ul class={styles.list}>
              <For each={contacts.list()}>
                {(contact) => (
                  <li>
                    <label class={styles.option}>
                      <input
                        type="checkbox"
                        class={styles.check}
                        checked={chosen().has(contact.user.id)}
                        onChange={(event) => toggle(contact.user.id, event.currentTarget.checked)}
                        data-testid="group-member"
                        data-user-id={contact.user.id}
                      />
                      <PresenceAvatar
                        name={contact.user.displayName}
                        seed={contact.user.id}
                        size={28}
                        online={isOnline(contact.user.id)}
                      />
                      <UserNames user={contact.user} />
                    </label>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </fieldset>
        <Show when={error()}>
          <Alert testId="group-error">{error()}</Alert>
        </Show>
      </form>
    </Dialog>
  );
}
