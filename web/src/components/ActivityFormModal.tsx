import { Alert, Button, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { editActivityEverywhere, refreshAfterActivityChange, type Activity } from '../api/activities';
import { api, call } from '../api/client';
import { ApiError, isApiError } from '../api/errors';
import { useUsers } from '../api/queries';
import {
  activityFormValues,
  formField,
  toActivityBody,
  validateActivityForm,
  type ActivityDefaults,
  type ActivityFormValues,
  type EditableType,
} from '../lib/activityForm';
import { browserZone, zoneLabel } from '../lib/zoned';
import { ContactSelect, DealSelect } from './EntitySelects';
import { applyApiError } from './formErrors';
import { notifySuccess } from './notify';
import { useSession } from './session';
import { typeLabel } from './activityActions';

const TYPES: { value: EditableType; label: string }[] = [
  { value: 'task', label: 'Task' },
  { value: 'call', label: 'Call' },
  { value: 'meeting', label: 'Meeting' },
  { value: 'note', label: 'Note' },
];

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The activity to edit; absent to create one. */
  activity?: Activity;
  /** Pre-filled values for a new activity (a contact page links it to the contact). */
  defaults?: ActivityDefaults & { contactLabel?: string | null; dealLabel?: string | null };
  onSaved?: (a: Activity) => void;
}

/** ActivityFormModal creates or edits a task, note, call or meeting, with server validation shown per field. */
export function ActivityFormModal({ opened, onClose, activity, defaults, onSaved }: Props) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={activity ? `Edit ${typeLabel(activity.type).toLowerCase()}` : 'New activity'}
      size="lg"
      fullScreen={phone}
      transitionProps={phone ? { transition: 'slide-up' } : undefined}
    >
      {opened && (
        <ActivityForm
          activity={activity}
          defaults={defaults ?? {}}
          onCancel={onClose}
          onSaved={(a) => {
            onSaved?.(a);
            onClose();
          }}
        />
      )}
    </Modal>
  );
}

function ActivityForm({
  activity,
  defaults,
  onCancel,
  onSaved,
}: {
  activity?: Activity;
  defaults: NonNullable<Props['defaults']>;
  onCancel: () => void;
  onSaved: (a: Activity) => void;
}) {
  const me = useSession();
  const qc = useQueryClient();
  const users = useUsers();
  const tz = me.timezone;
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<ActivityFormValues>({
    mode: 'controlled',
    initialValues: activityFormValues(activity, defaults, me.user.id, tz),
    validate: (v) => validateActivityForm(v, tz),
  });
  const v = form.getValues();
  const assigneeOptions = [
    ...(users.data ?? []).map((u) => ({ value: u.id, label: u.id === me.user.id ? `${u.name || u.email} (you)` : u.name || u.email })),
  ];
  if (!assigneeOptions.some((o) => o.value === me.user.id))
    assigneeOptions.unshift({ value: me.user.id, label: `${me.user.name || me.user.email} (you)` });
  if (activity?.assignee_id && !assigneeOptions.some((o) => o.value === activity.assignee_id)) {
    assigneeOptions.push({ value: activity.assignee_id, label: activity.assignee_name || 'A former teammate' });
  }
  const otherZone = browserZone() !== tz;

  const save = useMutation({
    mutationFn: (values: ActivityFormValues) => {
      const body = toActivityBody(values, tz);
      if (activity) return call(api.PATCH('/api/activities/{id}', { params: { path: { id: activity.id } }, body }));
      const doable = values.type !== 'note';
      return call(api.POST('/api/activities', { body: { ...body, ...(doable && values.done ? { done: true } : {}) } }));
    },
    onSuccess: (saved) => {
      editActivityEverywhere(qc, saved.id, () => saved);
      refreshAfterActivityChange(qc);
      notifySuccess(activity ? `${typeLabel(saved.type)} saved.` : `${typeLabel(saved.type)} added.`);
      onSaved(saved);
    },
    onError: (err) => {
      // The server names due_at; the form shows it as a date and a time.
      const mapped = isApiError(err)
        ? new ApiError(
            err.status,
            { ...err.problem, errors: err.problem.errors?.map((x) => ({ ...x, location: formField(x.location) })) },
            err.retryAfter,
          )
        : err;
      setFormError(applyApiError(form, mapped));
    },
  });

  const isNote = v.type === 'note';
  const subjectPlaceholder: Record<EditableType, string> = {
    task: 'e.g. Send the proposal',
    call: 'e.g. Discovery call with Ada',
    meeting: 'e.g. Demo at their office',
    note: 'e.g. Budget approved for Q3',
  };

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        setFormError(null);
        save.mutate(values);
      })}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <div>
          <Text size="sm" fw={500} mb={4} id="activity-type-label">
            Type
          </Text>
          <SegmentedControl
            aria-labelledby="activity-type-label"
            fullWidth
            data={TYPES}
            value={v.type}
            onChange={(t) => {
              const type = t as EditableType;
              form.setFieldValue('type', type);
              // A new task is yours unless you say otherwise; other types start unassigned.
              if (!activity && type === 'task' && !form.getValues().assignee_id) form.setFieldValue('assignee_id', me.user.id);
            }}
          />
        </div>
        <TextInput label="Subject" placeholder={subjectPlaceholder[v.type]} data-autofocus withAsterisk {...form.getInputProps('subject')} />
        <Textarea label={isNote ? 'Note' : 'Details'} autosize minRows={3} maxRows={10} {...form.getInputProps('body')} />
        {!isNote && (
          <>
            <SimpleGrid cols={{ base: 2 }} spacing="sm">
              <TextInput
                label={v.type === 'task' ? 'Due date' : 'Date'}
                type="date"
                {...form.getInputProps('due_date')}
                onChange={(e) => {
                  const date = e.currentTarget.value;
                  form.setFieldValue('due_date', date);
                  if (date && !form.getValues().due_time) form.setFieldValue('due_time', '09:00');
                }}
              />
              <TextInput label="Time" type="time" {...form.getInputProps('due_time')} />
            </SimpleGrid>
            {otherZone && (
              <Text size="xs" c="dimmed" mt={-8}>
                In the company’s time zone, {zoneLabel(tz)}.
              </Text>
            )}
          </>
        )}
        <Select
          label="Assignee"
          placeholder="Nobody"
          data={assigneeOptions}
          clearable
          searchable
          nothingFoundMessage="No such teammate"
          {...form.getInputProps('assignee_id')}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <ContactSelect
            label="Contact"
            placeholder="Search contacts…"
            value={v.contact_id}
            initialLabel={activity?.contact_name ?? defaults.contactLabel}
            onChange={(id) => form.setFieldValue('contact_id', id)}
            error={form.errors.contact_id}
          />
          <DealSelect
            label="Deal"
            placeholder="Search deals…"
            value={v.deal_id}
            initialLabel={activity?.deal_title ?? defaults.dealLabel}
            onChange={(id) => form.setFieldValue('deal_id', id)}
            error={form.errors.deal_id}
          />
        </SimpleGrid>
        {!activity && !isNote && (
          <Checkbox
            label={v.type === 'task' ? 'Already done' : `This ${v.type} already happened`}
            description="Logged as done now, so it does not show up as open work."
            {...form.getInputProps('done', { type: 'checkbox' })}
          />
        )}
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {activity ? 'Save changes' : `Add ${typeLabel(v.type).toLowerCase()}`}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
