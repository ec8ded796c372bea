import { SyncPage } from '@/features/sync/sync-page';

export default function Page() {
  return <SyncPage />;
}
