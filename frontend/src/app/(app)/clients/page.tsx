import { ClientsPage } from '@/features/clients/clients-page';

export default function Page() {
  return <ClientsPage />;
}
