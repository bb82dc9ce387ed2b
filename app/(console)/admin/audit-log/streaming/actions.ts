'use server';

import { consoleAction } from '@/app/_lib/action';
import { createDestination, deleteDestination, rotateDestinationSecret, sendTestEvent, updateDestination } from '@/lib/audit-stream/destinations';
import { destinationIdSchema, destinationSchema, updateDestinationSchema } from '@/lib/audit-stream/schema';

// Admin → Audit log → Streaming: thin adapters over lib/audit-stream/destinations.ts, always about
// the organization being worked in; lib/ checks super admin and the organization again.

export const createDestinationAction = consoleAction(destinationSchema, async (input, call) => {
  const { destination, secret } = await createDestination(call, input);
  return { id: destination.id, secret };
});

export const updateDestinationAction = consoleAction(updateDestinationSchema, async (input, call) => {
  await updateDestination(call, input);
});

export const deleteDestinationAction = consoleAction(destinationIdSchema, async (input, call) => {
  await deleteDestination(call, input);
});

export const rotateDestinationSecretAction = consoleAction(destinationIdSchema, async (input, call) => await rotateDestinationSecret(call, input));

export const sendTestEventAction = consoleAction(destinationIdSchema, async (input, call) => {
  const { eventId, result } = await sendTestEvent(call, input);
  return { eventId, ok: result.ok, message: result.ok ? (result.status === null ? 'Delivered' : `Delivered (HTTP ${result.status})`) : result.error };
});
