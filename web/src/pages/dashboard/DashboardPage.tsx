import '@mantine/charts/styles.css';

import { BarChart } from '@mantine/charts';
import { Anchor, Box, Button, Card, Grid, Group, Paper, Select, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import {
  IconAlarm,
  IconArrowDownRight,
  IconArrowRight,
  IconArrowUpRight,
  IconChartBar,
  IconMinus,
  IconPlus,
  IconReportMoney,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useDashboard, usePipelines, type Dashboard } from '../../api/deals';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/States';
import { useSession } from '../../components/session';
import { plural } from '../../lib/format';
import { formatMoney, toCents } from '../../lib/money';
import {
  compareMoney,
  currencyLine,
  dealsIn,
  monthLabel,
  otherCurrencies,
  otherStageLines,
  percent,
  sumByCurrency,
  toChartNumber,
  type CurrencyAmount,
} from './metrics';

/** DashboardPage is the landing page: the pipeline's open value, what closed this month, win rates and today's tasks. */
export function DashboardPage() {
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const list = pipelines.data ?? [];
  const wanted = params.get('pipeline') ?? '';
  const pipelineId = list.some((p) => p.id === wanted) ? wanted : '';
  const dash = useDashboard(pipelineId);
  const d = dash.data;

  const picker =
    list.length > 1 ? (
      <Select
        aria-label="Pipeline"
        data={list.map((p) => ({ value: p.id, label: p.name }))}
        value={d?.pipeline_id ?? list[0]?.id ?? null}
        onChange={(v) => setParams(v && v !== list[0]?.id ? { pipeline: v } : {}, { replace: true })}
        allowDeselect={false}
        w={{ base: '100%', xs: 200 }}
      />
    ) : null;

  const firstName = (me.user.name || '').split(' ')[0];
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          d
            ? `${firstName ? `Hello ${firstName}, here` : 'Here'} is how ${d.pipeline_name} is doing. Months and days are in ${d.timezone} time.`
            : ' '
        }
        actions={
          <>
            {picker}
            <Button
              component={Link}
              to={`/deals${d ? `?pipeline=${d.pipeline_id}` : ''}`}
              variant="default"
              rightSection={<IconArrowRight size={16} />}
            >
              Open the board
            </Button>
          </>
        }
      />
      {dash.isPending ? (
        <DashboardSkeleton />
      ) : dash.isError ? (
        <Paper>
          <ErrorState error={dash.error} onRetry={() => dash.refetch()} title="Couldn't load the dashboard" />
        </Paper>
      ) : (
        <DashboardView d={dash.data} />
      )}
    </>
  );
}

function hasAnyDeal(d: Dashboard): boolean {
  if (d.open_deals > 0) return true;
  const closed = [d.this_month, d.last_month, d.last_90_days, ...(d.months ?? [])];
  return closed.some((c) => c.won_deals + c.lost_deals > 0);
}

function DashboardView({ d }: { d: Dashboard }) {
  const cur = d.currency || 'USD';
  const trend = compareMoney(d.this_month.won_value, d.last_month.won_value);
  const any = hasAnyDeal(d);
  // The single-number figures are in the main currency only; with deals in
  // other currencies, those show as their own amounts, never added in.
  const other = d.other_currencies;
  const openOther = other ? otherCurrencies(d.open_by_currency, cur) : [];
  const weightedOther = openOther.map((c) => ({ currency: c.currency, deals: c.deals, value: c.weighted_value }));
  const wonOther = other ? otherCurrencies(d.this_month.won_by_currency, cur) : [];
  const openDeals = other ? dealsIn(d.open_by_currency, cur) : d.open_deals;
  const wonDeals = other ? dealsIn(d.this_month.won_by_currency, cur) : d.this_month.won_deals;
  const lastWonDeals = other ? dealsIn(d.last_month.won_by_currency, cur) : d.last_month.won_deals;
  return (
    <Stack gap="md">
      {!any && (
        <Paper>
          <EmptyState
            icon={<IconReportMoney size={28} />}
            title="No deals yet"
            action={
              <Button component={Link} to={`/deals?pipeline=${d.pipeline_id}&new=1`} leftSection={<IconPlus size={16} />}>
                Create your first deal
              </Button>
            }
          >
            Your pipeline value, wins and win rate show up here as soon as you add deals and move them through {d.pipeline_name}.
          </EmptyState>
        </Paper>
      )}
      <SimpleGrid cols={{ base: 2, lg: 4 }} spacing={{ base: 'sm', sm: 'md' }}>
        <Kpi label="Open pipeline" value={formatMoney(d.open_value, cur)} testId="kpi-open">
          {plural(openDeals, 'open deal')}
          <OtherAmounts amounts={openOther} />
        </Kpi>
        <Kpi label="Weighted value" value={formatMoney(d.weighted_value, cur)} testId="kpi-weighted">
          Open value × each stage’s win probability
          <OtherAmounts amounts={weightedOther} />
        </Kpi>
        <Kpi label="Won this month" value={formatMoney(d.this_month.won_value, cur)} testId="kpi-won">
          <Group gap={6} wrap="nowrap">
            <Trend direction={trend} />
            <Text size="xs" c="dimmed">
              {plural(wonDeals, 'deal')} · last month {formatMoney(d.last_month.won_value, cur)} in {plural(lastWonDeals, 'deal')}
            </Text>
          </Group>
          <OtherAmounts amounts={wonOther} />
        </Kpi>
        <Kpi label="Win rate this month" value={percent(d.this_month.win_rate)} testId="kpi-winrate">
          {d.this_month.win_rate === null ? 'No deals closed yet this month · ' : ''}
          Last 90 days: {percent(d.last_90_days.win_rate)}
        </Kpi>
      </SimpleGrid>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card p="lg" h="100%">
            <ChartTitle title="Open pipeline by stage" hint={`Value and probability-weighted value in ${cur}`} />
            <StageChart d={d} />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <TasksCard overdue={d.tasks_overdue} today={d.tasks_due_today} />
        </Grid.Col>
      </Grid>

      <Card p="lg">
        <ChartTitle title="Won and lost, last six months" hint={`Closed deal value per month in ${cur}`} />
        <MonthsChart d={d} />
      </Card>
    </Stack>
  );
}

function Kpi({ label, value, children, testId }: { label: string; value: string; children?: ReactNode; testId: string }) {
  return (
    <Card p={{ base: 'md', sm: 'lg' }} data-testid={testId}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Text
        fz={{ base: 20, sm: 26 }}
        fw={700}
        mt={6}
        lh={1.2}
        className="crm-truncate"
        title={value}
        style={{ fontVariantNumeric: 'tabular-nums' }}
        data-testid="kpi-value"
      >
        {value}
      </Text>
      {children && (
        <Text size="xs" c="dimmed" mt={6} component="div">
          {children}
        </Text>
      )}
    </Card>
  );
}

/** OtherAmounts lists what a KPI leaves out: the amounts in currencies other than the main one. */
function OtherAmounts({ amounts }: { amounts: readonly CurrencyAmount[] }) {
  if (amounts.length === 0) return null;
  return (
    <Box mt={6} data-testid="kpi-other-currencies">
      <Text size="xs" c="dimmed" fw={600}>
        Other currencies, not in the total:
      </Text>
      {amounts.map((a) => (
        <Text key={a.currency} size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {currencyLine(a)}
        </Text>
      ))}
    </Box>
  );
}

/** OtherCurrenciesNote goes under a chart drawn in the main currency and lists what it leaves out. */
function OtherCurrenciesNote({ lines, testId }: { lines: readonly string[]; testId: string }) {
  if (lines.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" mt="sm" data-testid={testId}>
      Other currencies, not in the chart: {lines.join('; ')}
    </Text>
  );
}

function Trend({ direction }: { direction: 'up' | 'down' | 'same' }) {
  const { icon, color, label } =
    direction === 'up'
      ? { icon: <IconArrowUpRight size={14} />, color: 'teal', label: 'More than last month' }
      : direction === 'down'
        ? { icon: <IconArrowDownRight size={14} />, color: 'red', label: 'Less than last month' }
        : { icon: <IconMinus size={14} />, color: 'gray', label: 'Same as last month' };
  return (
    <Tooltip label={label}>
      <ThemeIcon size={20} radius="xl" variant="light" color={color} aria-label={label} role="img" data-trend={direction}>
        {icon}
      </ThemeIcon>
    </Tooltip>
  );
}

function ChartTitle({ title, hint }: { title: string; hint: string }) {
  return (
    <Box mb="md">
      <Title order={2}>{title}</Title>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Box>
  );
}

function NoData({ children }: { children: ReactNode }) {
  return (
    <Stack align="center" justify="center" gap={6} mih={220} ta="center">
      <ThemeIcon size={44} radius="xl" variant="light">
        <IconChartBar size={22} />
      </ThemeIcon>
      <Text size="sm" c="dimmed" maw={340}>
        {children}
      </Text>
    </Stack>
  );
}

function StageChart({ d }: { d: Dashboard }) {
  const cur = d.currency || 'USD';
  const stages = d.open_by_stage ?? [];
  const other = d.other_currencies ? otherStageLines(stages, cur) : [];
  if (stages.length === 0 || (stages.every((s) => (toCents(s.value) ?? 0n) === 0n) && other.length === 0)) {
    return (
      <NoData>
        No open deals in {d.pipeline_name}.{' '}
        <Anchor component={Link} to={`/deals?pipeline=${d.pipeline_id}&new=1`} size="sm">
          Create a deal
        </Anchor>{' '}
        to see where the value sits.
      </NoData>
    );
  }
  // Bar heights need numbers; the figures people read (KPIs) stay exact strings.
  const data = stages.map((s) => ({
    stage: s.stage,
    Value: toChartNumber(s.value),
    Weighted: toChartNumber(s.weighted_value),
    deals: s.deals,
  }));
  const chart = (
    <BarChart
      h={260}
      data={data}
      dataKey="stage"
      series={[
        { name: 'Value', color: 'brand.6' },
        { name: 'Weighted', color: 'teal.5' },
      ]}
      valueFormatter={(v) => formatMoney(String(v), cur)}
      withLegend
      legendProps={{ verticalAlign: 'bottom' }}
      tickLine="y"
      gridAxis="y"
      maxBarWidth={36}
      yAxisProps={{ width: 64, tickFormatter: (v: number) => formatMoney(String(v), cur, { compact: true }) }}
      data-testid="chart-stages"
    />
  );
  return (
    <>
      {chart}
      <OtherCurrenciesNote lines={other} testId="stages-other-currencies" />
    </>
  );
}

function MonthsChart({ d }: { d: Dashboard }) {
  const cur = d.currency || 'USD';
  const months = d.months ?? [];
  const won = sumByCurrency(
    otherCurrencies(
      months.flatMap((m) => m.won_by_currency ?? []),
      cur,
    ),
  );
  const lost = sumByCurrency(
    otherCurrencies(
      months.flatMap((m) => m.lost_by_currency ?? []),
      cur,
    ),
  );
  const other = d.other_currencies ? [...won.map((c) => `won ${currencyLine(c)}`), ...lost.map((c) => `lost ${currencyLine(c)}`)] : [];
  if (months.every((m) => m.won_deals + m.lost_deals === 0)) {
    return <NoData>Nothing closed in the last six months. Drag a deal into a Won or Lost stage and it shows up here.</NoData>;
  }
  const data = months.map((m) => ({
    month: monthLabel(m.month),
    Won: toChartNumber(m.won_value),
    Lost: toChartNumber(m.lost_value),
  }));
  const chart = (
    <BarChart
      h={240}
      data={data}
      dataKey="month"
      series={[
        { name: 'Won', color: 'teal.6' },
        { name: 'Lost', color: 'red.5' },
      ]}
      valueFormatter={(v) => formatMoney(String(v), cur)}
      withLegend
      legendProps={{ verticalAlign: 'bottom' }}
      tickLine="y"
      gridAxis="y"
      maxBarWidth={28}
      yAxisProps={{ width: 64, tickFormatter: (v: number) => formatMoney(String(v), cur, { compact: true }) }}
      data-testid="chart-months"
    />
  );
  return (
    <>
      {chart}
      <OtherCurrenciesNote lines={other} testId="months-other-currencies" />
    </>
  );
}

function TasksCard({ overdue, today }: { overdue: number; today: number }) {
  return (
    <Card p="lg" h="100%" data-testid="tasks-card">
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Title order={2}>Your tasks</Title>
        <ThemeIcon variant="light" radius="xl" size={32} color={overdue > 0 ? 'red' : 'brand'}>
          <IconAlarm size={18} />
        </ThemeIcon>
      </Group>
      <SimpleGrid cols={2} spacing="sm">
        <Paper p="md" withBorder bg={overdue > 0 ? 'var(--mantine-color-red-light)' : undefined}>
          <Text fz={28} fw={700} lh={1} c={overdue > 0 ? 'red' : undefined} data-testid="tasks-overdue">
            {overdue}
          </Text>
          <Text size="sm" c="dimmed" mt={4}>
            overdue
          </Text>
        </Paper>
        <Paper p="md" withBorder>
          <Text fz={28} fw={700} lh={1} data-testid="tasks-today">
            {today}
          </Text>
          <Text size="sm" c="dimmed" mt={4}>
            due today
          </Text>
        </Paper>
      </SimpleGrid>
      <Text size="sm" c="dimmed" mt="md">
        {overdue + today === 0 ? 'Nothing urgent. Plan your next follow-ups so no deal goes quiet.' : 'Work through them from your task list.'}
      </Text>
      <Button component={Link} to="/activities" variant="light" mt="md" fullWidth rightSection={<IconArrowRight size={16} />}>
        Go to my tasks
      </Button>
    </Card>
  );
}

function DashboardSkeleton() {
  return (
    <Stack gap="md" aria-busy="true" aria-label="Loading the dashboard">
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
        {Array.from({ length: 4 }, (_, i) => (
          <Card key={i} p="lg">
            <Skeleton height={10} width="50%" />
            <Skeleton height={24} width="70%" mt={12} />
            <Skeleton height={8} width="40%" mt={12} />
          </Card>
        ))}
      </SimpleGrid>
      <Card p="lg">
        <Skeleton height={260} />
      </Card>
    </Stack>
  );
}
