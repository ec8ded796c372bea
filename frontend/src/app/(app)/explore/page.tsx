import { ExplorePage } from '@/features/explore/explore-page';

export default function Page() {
  return <ExplorePage />;
}
