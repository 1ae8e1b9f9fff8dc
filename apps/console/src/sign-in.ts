import { byId, say } from './dom.js';

/**
 * The labelled sign-in form, shown as a modal dialog when the API answers 401. It stays until a
 * key is given (Escape does not dismiss it: nothing on the page works without one).
 */
export function signInForm(): (rejected: boolean) => Promise<string> {
  const dialog = byId<HTMLDialogElement>('sign-in');
  const form = byId<HTMLFormElement>('sign-in-form');
  const input = byId<HTMLInputElement>('api-key');
  const message = byId('sign-in-message');
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  return (rejected) =>
    new Promise<string>((resolve) => {
      say(message, rejected ? 'That key was not accepted. Check it and try again.' : '', rejected);
      input.value = '';
      const submit = (event: SubmitEvent) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return say(message, 'Type the API key.', true);
        form.removeEventListener('submit', submit);
        dialog.close();
        resolve(key);
      };
      form.addEventListener('submit', submit);
      if (!dialog.open) dialog.showModal();
      input.focus();
    });
}
