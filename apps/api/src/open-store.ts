// The store the settings ask for.
import { openStoreFromSettings, type Store } from '@crossway/store';
import type { Settings } from './settings';

export function openStore(settings: Settings): Store {
  return openStoreFromSettings(settings);
}
