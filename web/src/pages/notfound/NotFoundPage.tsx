import { Button, Card, Center, Code, Stack } from '@mantine/core';
import { IconAlertTriangle, IconMapSearch } from '@tabler/icons-react';
import { Link, isRouteErrorResponse, useRouteError } from 'react-router';
import { EmptyState } from '../../components/States';

/** NotFoundPage answers a path that is not a page of the app. */
export function NotFoundPage() {
  return (
    <Card p={0}>
      <EmptyState
        icon={<IconMapSearch size={28} />}
        title="Page not found"
        action={
          <Button component={Link} to="/contacts" variant="default">
            Go to contacts
          </Button>
        }
      >
        There is nothing at this address. It may have moved, or the link may be mistyped.
      </EmptyState>
    </Card>
  );
}

/** RouteErrorPage catches a render error so people never see a blank page. */
export function RouteErrorPage() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : null;
  return (
    <Center mih="100vh" p="md">
      <Card maw={520} w="100%" p={0}>
        <EmptyState
          icon={<IconAlertTriangle size={28} />}
          title="Something went wrong"
          action={
            <Stack align="center" gap="xs">
              <Button onClick={() => window.location.reload()}>Reload the page</Button>
              <Button component="a" href="/contacts" variant="subtle" size="xs">
                Go to contacts
              </Button>
            </Stack>
          }
        >
          The page hit an unexpected error. Reloading usually fixes it.
          {detail && (
            <Code block mt="sm">
              {detail}
            </Code>
          )}
        </EmptyState>
      </Card>
    </Center>
  );
}
