import { Suspense } from 'react';
import { SyncPage } from '@/features/sync/sync-page';

export default function Page() {
  // The quarantine filters live in the URL (useSearchParams needs a boundary in a static export).
  return (
    <Suspense>
      <SyncPage />
    </Suspense>
  );
}
