import { Tabs } from '@mantine/core';
import { IconBuilding, IconHistory, IconKey, IconLayoutKanban, IconMailForward, IconPhone, IconUsers } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { isAdmin } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../components/session';
import { ApiTokensTab } from './ApiTokensTab';
import { AuditTrailTab } from './AuditTrailTab';
import { CompanyTab } from './CompanyTab';
import { InvitesTab } from './InvitesTab';
import { PhoneTab } from './PhoneTab';
import { PipelinesTab } from './PipelinesTab';
import { UsersTab } from './UsersTab';

const TABS = [
  { value: 'company', label: 'Company', icon: IconBuilding, admin: false },
  { value: 'pipelines', label: 'Pipelines', icon: IconLayoutKanban, admin: false },
  { value: 'phone', label: 'Phone', icon: IconPhone, admin: false },
  { value: 'users', label: 'Users', icon: IconUsers, admin: true },
  { value: 'invites', label: 'Invites', icon: IconMailForward, admin: true },
  { value: 'tokens', label: 'API tokens', icon: IconKey, admin: true },
  { value: 'audit', label: 'Audit trail', icon: IconHistory, admin: true },
] as const;

/** SettingsPage holds the company profile and, for admins and owners, team and token management. */
export function SettingsPage() {
  const me = useSession();
  const { tab = 'company' } = useParams();
  const navigate = useNavigate();
  const admin = isAdmin(me.role);
  const tabs = TABS.filter((t) => admin || !t.admin);
  // On a phone the tab strip scrolls sideways: keep the open tab in view.
  useEffect(() => {
    document.querySelector('.crm-tabs [role="tab"][aria-selected="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [tab]);
  if (!tabs.some((t) => t.value === tab)) return <Navigate to="/settings/company" replace />;

  return (
    <>
      <PageHeader
        title="Settings"
        description={
          admin ? `Manage ${me.company.name}, your team and integrations.` : `About ${me.company.name}. Ask an admin to change team settings.`
        }
      />
      <Tabs value={tab} onChange={(v) => v && navigate(`/settings/${v}`)} keepMounted={false} variant="outline" className="crm-tabs">
        {tabs.length > 1 && (
          <Tabs.List mb="lg" style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
            {tabs.map((t) => (
              <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} />} style={{ whiteSpace: 'nowrap' }}>
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        )}
        <Tabs.Panel value="company">
          <CompanyTab />
        </Tabs.Panel>
        <Tabs.Panel value="pipelines">
          <PipelinesTab />
        </Tabs.Panel>
        <Tabs.Panel value="phone">
          <PhoneTab />
        </Tabs.Panel>
        {admin && (
          <>
            <Tabs.Panel value="users">
              <UsersTab />
            </Tabs.Panel>
            <Tabs.Panel value="invites">
              <InvitesTab />
            </Tabs.Panel>
            <Tabs.Panel value="tokens">
              <ApiTokensTab />
            </Tabs.Panel>
            <Tabs.Panel value="audit">
              <AuditTrailTab />
            </Tabs.Panel>
          </>
        )}
      </Tabs>
    </>
  );
}
