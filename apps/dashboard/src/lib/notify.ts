import { notifications } from '@mantine/notifications';
import { errorMessage } from '../components/page-states';

/** Toasts for the outcome of an action. */
export function notifySuccess(title: string, message?: string): void {
  notifications.show({ color: 'teal', title, message: message ?? '', autoClose: 4000 });
}

export function notifyError(title: string, error: unknown): void {
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 });
}
