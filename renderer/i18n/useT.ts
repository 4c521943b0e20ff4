import { useApp } from '../stores/app';
import { type MessageKey, translate } from './messages';

export function useT(): (key: MessageKey) => string {
  const locale = useApp((s) => s.locale);
  return (key) => translate(locale, key);
}
