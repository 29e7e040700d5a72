import { describe, expect, it } from 'vitest';
import { isValidHostHeader } from '../../src/http/http-server.js';

describe('isValidHostHeader', () => {
  it.each([
    ['127.0.0.1'],
    ['127.0.0.1:4000'],
    ['localhost'],
    ['api.example.com'],
    ['[::1]'],
    ['[::1]:8080'],
    ['example.com:'],
    [''],
  ])('accepts %j', (host) => {
    expect(isValidHostHeader(host)).toBe(true);
  });

  it.each([
    ['a b'],
    ['127.0.0.1/evil'],
    ['127.0.0.1?x=1'],
    ['127.0.0.1#f'],
    ['user:pass@127.0.0.1'],
    ['127.0.0.1:80/jobs'],
    ['127.0.0.1\\x'],
    ['127.0.0.1:123456'],
    ['[::1'],
  ])('rejects %j', (host) => {
    expect(isValidHostHeader(host)).toBe(false);
  });
});
