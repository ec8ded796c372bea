import { Suspense } from 'react';
import { AlertsPage } from '@/features/alerts/alerts-page';

export default function Page() {
  // The tab and filters live in the URL (useSearchParams needs a boundary in a static export).
  return (
    <Suspense>
      <AlertsPage />
    </Suspense>
  );
}
