import { Button, Group, Modal, Stack, TagsInput, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { keys, useTags } from '../../api/queries';
import { notifyError, notifySuccess } from '../../components/notify';
import { plural } from '../../lib/format';

/** BulkTagModal adds and removes tags on the selected contacts. */
export function BulkTagModal({ opened, onClose, ids, onDone }: { opened: boolean; onClose: () => void; ids: string[]; onDone: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Tag ${plural(ids.length, 'contact')}`}>
      {opened && <BulkTagForm ids={ids} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function BulkTagForm({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: () => void }) {
  const qc = useQueryClient();
  const tags = useTags();
  const [add, setAdd] = useState<string[]>([]);
  const [remove, setRemove] = useState<string[]>([]);
  const known = (tags.data ?? []).map((t) => t.tag);
  const retag = useMutation({
    mutationFn: () => call(api.POST('/api/contacts/bulk-tag', { body: { ids, add_tags: add, remove_tags: remove } })),
    onSuccess: (res) => {
      qc.invalidateQueries({ queryKey: keys.contacts });
      notifySuccess(`Updated tags on ${plural(res.updated, 'contact')}.`);
      onDone();
      onClose();
    },
    onError: (err) => notifyError(err, 'Could not update tags'),
  });
  const overlap = add.filter((t) => remove.includes(t));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        retag.mutate();
      }}
    >
      <Stack gap="md">
        <TagsInput label="Add tags" placeholder="Type a tag and press Enter" data={known} value={add} onChange={setAdd} data-autofocus clearable />
        <TagsInput
          label="Remove tags"
          placeholder="Pick tags to remove"
          data={known}
          value={remove}
          onChange={setRemove}
          clearable
          error={overlap.length > 0 ? `Can't add and remove ${overlap.join(', ')}` : undefined}
        />
        <Text size="xs" c="dimmed">
          Other tags on these contacts stay as they are.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={retag.isPending} disabled={(add.length === 0 && remove.length === 0) || overlap.length > 0}>
            Apply
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
