import { Suspense } from 'react';
import { TransactionsPage } from '@/features/transactions/transactions-page';

export default function Page() {
  return (
    <Suspense>
      <TransactionsPage />
    </Suspense>
  );
}
