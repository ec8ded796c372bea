import { ReportsPage } from '@/features/reports/reports-page';

export default function Page() {
  return <ReportsPage />;
}
