import { z } from 'zod';
import { orgParams } from '../routes/orgs/schemas';
import { createWebhookInput, patchWebhookInput, webhookDeliveryParams, webhookParams } from '../routes/webhooks/schemas';
import { webhook, webhookCreated, webhookDeliveryList, webhookList, webhookRedeliveryAccepted, webhookTestAccepted } from '../routes/webhooks/shapes';
import { ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const base = '/api/v1/orgs/{org}/webhooks';

/** Outgoing webhooks of an organisation (Standard Webhooks signatures, CloudEvents bodies), managed by its admins. */
export const webhooksRoutes: RouteSpec[] = [
  { method: 'get', path: base, summary: "The organisation's webhooks (never their secrets)", auth: true, params: orgParams, responses: { 200: ok('webhooks', webhookList) }, errors: [401, 403, 404] },
  {
    method: 'post',
    path: base,
    summary: 'Create a webhook for some event types; the answer holds its whsec_ signing secret, shown this once',
    auth: true,
    params: orgParams,
    body: json(createWebhookInput),
    responses: { 201: ok('created', webhookCreated) },
    errors: [400, 401, 403, 404, 413, 415],
  },
  { method: 'get', path: `${base}/{id}`, summary: 'A webhook', auth: true, params: webhookParams, responses: { 200: ok('webhook', webhook) }, errors: [400, 401, 403, 404] },
  {
    method: 'patch',
    path: `${base}/{id}`,
    summary: 'Change the URL or event types, or turn the webhook on or off',
    auth: true,
    params: webhookParams,
    body: json(patchWebhookInput),
    responses: { 200: ok('changed', webhook) },
    errors: [400, 401, 403, 404, 413, 415],
  },
  { method: 'delete', path: `${base}/{id}`, summary: 'Delete a webhook and its delivery log', auth: true, params: webhookParams, responses: { 204: ok('deleted') }, errors: [400, 401, 403, 404] },
  {
    method: 'get',
    path: `${base}/{id}/deliveries`,
    summary: "The webhook's delivery log, newest first: status, response code, duration, attempts",
    auth: true,
    params: webhookParams,
    responses: { 200: ok('deliveries', webhookDeliveryList) },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'post',
    path: `${base}/{id}/deliveries/{deliveryId}/redeliver`,
    summary: "Send a delivery's event again, as a new delivery",
    auth: true,
    params: webhookDeliveryParams,
    responses: { 202: ok('redelivery started', webhookRedeliveryAccepted) },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: `${base}/{id}/test`,
    summary: 'Send a webhook.test event to this webhook only',
    auth: true,
    params: webhookParams,
    responses: { 202: ok('test event sent', webhookTestAccepted) },
    errors: [400, 401, 403, 404, 409],
  },
];
