import { Suspense } from 'react';
import { ReconciliationPage } from '@/features/reconciliation/reconciliation-page';

export default function Page() {
  return (
    <Suspense>
      <ReconciliationPage />
    </Suspense>
  );
}
