import { Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { useUpdateProfile } from '../../api/account';
import { applyApiError } from '../../components/formErrors';
import { notifySuccess } from '../../components/notify';
import { useSession } from '../../components/session';
import { TimeZoneSelect } from '../../components/ZonePickers';
import { browserTimeZone } from '../../lib/locale';
import { required } from '../../lib/validation';

/** ProfileCard edits the person's name and own time zone (empty: the company's). */
export function ProfileCard() {
  const me = useSession();
  const update = useUpdateProfile();
  const [formError, setFormError] = useState<string | null>(null);
  const own = me.user.timezone ?? '';
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: me.user.name, timezone: own },
    validate: { name: required('Your name') },
  });
  const browser = browserTimeZone();
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb={4}>
        Profile
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Your time zone sets your today, overdue and the times you see. Without one you follow {me.company.name}’s ({me.company.timezone}).
      </Text>
      <form
        noValidate
        onSubmit={form.onSubmit((v) => {
          setFormError(null);
          update.mutate(
            { name: v.name.trim(), timezone: v.timezone ?? '' },
            {
              onSuccess: (saved) => {
                form.resetDirty({ name: saved.user.name, timezone: saved.user.timezone ?? '' });
                notifySuccess('Profile saved.');
              },
              onError: (err) => setFormError(applyApiError(form, err)),
            },
          );
        })}
      >
        <Stack gap="sm" maw={420}>
          {formError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          )}
          <TextInput label="Name" autoComplete="name" {...form.getInputProps('name')} />
          <TimeZoneSelect
            label="Time zone"
            clearable
            allowDeselect
            placeholder={`Company’s: ${me.company.timezone}`}
            {...form.getInputProps('timezone')}
            value={form.values.timezone || null}
            onChange={(v) => form.setFieldValue('timezone', v ?? '')}
          />
          {form.values.timezone !== browser && own !== browser && (
            <Text size="xs" c="dimmed">
              This browser is in {browser}.{' '}
              <Button variant="subtle" size="compact-xs" onClick={() => form.setFieldValue('timezone', browser)}>
                Use it
              </Button>
            </Text>
          )}
          <Group>
            <Button type="submit" loading={update.isPending} disabled={!form.isDirty()}>
              Save profile
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
