import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { keys } from '../../api/queries';
import type { Role } from '../../api/types';
import { CopyField } from '../../components/CopyField';
import { applyApiError } from '../../components/formErrors';
import { useSession } from '../../components/session';
import { validateEmail } from '../../lib/validation';

/** roleOptions lists the roles the signed-in user may grant: only owners grant owner. */
export function roleOptions(myRole: Role) {
  return [
    { value: 'member', label: 'Member — works with contacts' },
    { value: 'admin', label: 'Admin — also manages the team and tokens' },
    ...(myRole === 'owner' ? [{ value: 'owner', label: 'Owner — full control' }] : []),
  ];
}

/** InviteModal invites a teammate by email and then shows the link to send them. */
export function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Invite a teammate">
      {opened && <InviteForm onClose={onClose} />}
    </Modal>
  );
}

function InviteForm({ onClose }: { onClose: () => void }) {
  const me = useSession();
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', role: 'member' as Role },
    validate: { email: (v) => validateEmail(v) },
  });
  const invite = useMutation({
    mutationFn: (v: typeof form.values) => call(api.POST('/api/invites', { body: { email: v.email.trim().toLowerCase(), role: v.role } })),
    onSuccess: (inv) => {
      qc.invalidateQueries({ queryKey: keys.invites });
      setLink({ email: inv.email, url: inv.accept_url ?? '' });
    },
    onError: (err) => setFormError(applyApiError(form, err)),
  });

  if (link) {
    return (
      <Stack gap="md">
        <Text size="sm">
          Send this link to <b>{link.email}</b>. It lets them set a password and join {me.company.name}. Anyone with the link can use it, so share it
          privately.
        </Text>
        <CopyField label="Invite link" value={link.url} />
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        invite.mutate(v);
      })}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {formError}
          </Alert>
        )}
        <TextInput label="Email" type="email" placeholder="name@company.com" required data-autofocus {...form.getInputProps('email')} />
        <Select label="Role" data={roleOptions(me.role)} allowDeselect={false} {...form.getInputProps('role')} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={invite.isPending}>
            Create invite
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
