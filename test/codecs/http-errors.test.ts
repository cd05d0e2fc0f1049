import { describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { errorResponse, errorSseFrame } from '../../src/http/errors/index.js';

describe('errorResponse', () => {
  it('answers OpenAI JSON with type, param and the catalog code', () => {
    const err = new HubError('invalid_request', "Invalid value at 'messages[0].content': expected string or array.", { param: 'messages[0].content' });
    expect(errorResponse(err, 'openai')).toEqual({
      status: 400,
      headers: {},
      body: {
        error: {
          message: "Invalid value at 'messages[0].content': expected string or array.",
          type: 'invalid_request_error',
          param: 'messages[0].content',
          code: 'invalid_request',
        },
      },
    });
  });

  it('answers Anthropic JSON with the Anthropic error type', () => {
    const err = new HubError('upstream_overloaded', 'anthropic upstream: Overloaded');
    expect(errorResponse(err, 'anthropic', { requestId: 'req-1' })).toEqual({
      status: 503,
      headers: {},
      body: { type: 'error', error: { type: 'overloaded_error', message: 'anthropic upstream: Overloaded' }, request_id: 'req-1' },
    });
  });

  it.each([
    ['missing_api_key', 401, 'authentication_error', 'authentication_error'],
    ['budget_exceeded', 402, 'insufficient_quota', 'billing_error'],
    ['model_not_allowed', 403, 'permission_error', 'permission_error'],
    ['model_not_found', 404, 'not_found_error', 'not_found_error'],
    ['body_too_large', 413, 'invalid_request_error', 'request_too_large'],
    ['rate_limited', 429, 'rate_limit_error', 'rate_limit_error'],
    ['upstream_error', 502, 'api_error', 'api_error'],
    ['no_deployment_available', 503, 'api_error', 'overloaded_error'],
    ['upstream_timeout', 504, 'api_error', 'timeout_error'],
  ] as const)('%s → %i, openai %s, anthropic %s', (code, status, openaiType, anthropicType) => {
    const err = new HubError(code, 'm');
    const o = errorResponse(err, 'openai');
    const a = errorResponse(err, 'anthropic');
    expect(o.status).toBe(status);
    expect(a.status).toBe(status);
    expect((o.body as { error: { type: string } }).error.type).toBe(openaiType);
    expect((a.body as { error: { type: string } }).error.type).toBe(anthropicType);
  });

  it('keeps an upstream 4xx status passed through on upstream_bad_request', () => {
    const err = new HubError('upstream_bad_request', 'bad', { status: 422 });
    expect(errorResponse(err, 'openai').status).toBe(422);
    expect((errorResponse(err, 'anthropic').body as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('sends retry-after in whole seconds, rounded up', () => {
    expect(errorResponse(new HubError('rate_limited', 'slow down', { retryAfterMs: 1200 }), 'openai').headers).toEqual({ 'retry-after': '2' });
    expect(errorResponse(new HubError('upstream_rate_limited', 'x', { retryAfterMs: 3000 }), 'anthropic').headers).toEqual({ 'retry-after': '3' });
  });

  it('never leaks the message or cause of an internal error', () => {
    const err = new HubError('internal_error', 'TypeError: cannot read x of undefined at /srv/secret/path.ts:12', { cause: new Error('db password=hunter2') });
    const body = JSON.stringify(errorResponse(err, 'openai', { requestId: 'req-42' }).body) + JSON.stringify(errorResponse(err, 'anthropic').body);
    expect(body).not.toContain('TypeError');
    expect(body).not.toContain('secret');
    expect(body).not.toContain('hunter2');
    expect(body).toContain('req-42');
  });
});

describe('errorSseFrame', () => {
  const err = new HubError('upstream_stream_interrupted', 'The upstream stream broke.');

  it('OpenAI: one data frame with the error object, no [DONE]', () => {
    expect(errorSseFrame(err, 'openai')).toBe(
      'data: {"error":{"message":"The upstream stream broke.","type":"api_error","param":null,"code":"upstream_stream_interrupted"}}\n\n',
    );
  });

  it('Anthropic: an event: error frame', () => {
    expect(errorSseFrame(err, 'anthropic')).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The upstream stream broke."}}\n\n',
    );
  });
});
