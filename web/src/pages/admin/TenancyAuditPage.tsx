import { Alert, Badge, Button, Card, Group, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh, IconShieldCheck } from '@tabler/icons-react';
import { useTenancyAudit } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, PageLoader } from '../../components/States';

/** TenancyAuditPage shows the platform-wide tenancy audit to platform administrators. */
export function TenancyAuditPage() {
  const audit = useTenancyAudit();
  const data = audit.data;
  const companies = data?.companies ?? [];
  const findings = data?.findings ?? [];
  // Columns: every audited table plus anything counted (users, …), users first.
  const tables = [...new Set([...(data?.tables ?? []), ...companies.flatMap((c) => Object.keys(c.counts ?? {}))])].sort((a, b) =>
    a === 'users' ? -1 : b === 'users' ? 1 : a.localeCompare(b),
  );

  return (
    <>
      <PageHeader
        title="Tenancy audit"
        description="Rows without a company, cross-company references and the data each company holds. Every run is written to the audit log."
        actions={
          <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => audit.refetch()} loading={audit.isFetching}>
            Run again
          </Button>
        }
      />
      {audit.isPending ? (
        <PageLoader label="Auditing every table…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => audit.refetch()} />
      ) : (
        <>
          {data!.ok ? (
            <Alert color="teal" variant="light" icon={<IconShieldCheck size={18} />} mb="md" title="No findings">
              Every tenant row belongs to a company and no row points into another company.
            </Alert>
          ) : (
            <Alert
              color="red"
              variant="light"
              icon={<IconAlertTriangle size={18} />}
              mb="md"
              title={`${findings.length} finding${findings.length === 1 ? '' : 's'}`}
            >
              Tenant data is out of shape. Investigate before anything else.
            </Alert>
          )}
          {findings.length > 0 && (
            <Card p={0} mb="md">
              <Title order={2} p="md">
                Findings
              </Title>
              <Table.ScrollContainer minWidth={500}>
                <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Table</Table.Th>
                      <Table.Th>Kind</Table.Th>
                      <Table.Th ta="right">Rows</Table.Th>
                      <Table.Th>Detail</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {findings.map((f, i) => (
                      <Table.Tr key={i}>
                        <Table.Td>
                          <Text size="sm" ff="monospace">
                            {f.table}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge color="red" variant="light">
                            {f.kind}
                          </Badge>
                        </Table.Td>
                        <Table.Td ta="right">{f.count.toLocaleString()}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{f.detail}</Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )}
          <Card p={0}>
            <Group justify="space-between" p="md">
              <Title order={2}>Companies</Title>
              <Text size="sm" c="dimmed">
                {companies.length.toLocaleString()} total
              </Text>
            </Group>
            <Table.ScrollContainer minWidth={Math.max(400, 200 + tables.length * 110)}>
              <Table className="crm-table" verticalSpacing="sm" horizontalSpacing="md" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th miw={200}>Company</Table.Th>
                    {tables.map((t) => (
                      <Table.Th key={t} ta="right">
                        {t.replace(/_/g, ' ')}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {companies.map((c) => (
                    <Table.Tr key={c.company_id}>
                      <Table.Td maw={260}>
                        <Text size="sm" fw={550} className="crm-truncate" title={c.company_name}>
                          {c.company_name}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace" className="crm-truncate" title={c.company_id}>
                          {c.company_id}
                        </Text>
                      </Table.Td>
                      {tables.map((t) => (
                        <Table.Td key={t} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {(c.counts?.[t] ?? 0).toLocaleString()}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        </>
      )}
    </>
  );
}
