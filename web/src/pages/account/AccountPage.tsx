import { Stack } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../components/session';
import { PasswordCard } from './PasswordCard';
import { ProfileCard } from './ProfileCard';
import { SessionsCard } from './SessionsCard';
import { TwoFactorCard } from './TwoFactorCard';

/** AccountPage is the signed-in person's own security: password, two-step sign-in, sessions. */
export function AccountPage() {
  const me = useSession();
  return (
    <>
      <PageHeader
        title="Account & security"
        description={`Signed in as ${me.user.email}. These settings are yours, in every company you belong to.`}
      />
      <Stack gap="lg" maw={760}>
        <ProfileCard />
        <TwoFactorCard />
        <PasswordCard />
        <SessionsCard />
      </Stack>
    </>
  );
}
