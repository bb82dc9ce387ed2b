import { describe, expect, it } from 'vitest';
import { browserRequestIdsOf, requestCookieHeader, spUrls } from './urls';

describe('SP URLs', () => {
  it('follow the contract: metadata (= entity ID), ACS and login under /v1/sso/saml/account/{account}/method/{method}', () => {
    expect(spUrls('https://console.example.test/', 'a1', 'am2')).toMatchObject({
      entityId: 'https://console.example.test/v1/sso/saml/account/a1/method/am2/metadata',
      acsUrl: 'https://console.example.test/v1/sso/saml/account/a1/method/am2/acs',
      loginUrl: 'https://console.example.test/v1/sso/saml/account/a1/method/am2/login',
      signupUrl: 'https://console.example.test/v1/sso/saml/account/a1/method/am2/login?purpose=signup',
      linkUrl: 'https://console.example.test/v1/sso/saml/account/a1/method/am2/login?purpose=link',
    });
  });
});

describe('the cookie tying a request to its browser', () => {
  it('exists only over https, SameSite=None so that the IdP\'s POST brings it back', () => {
    expect(requestCookieHeader('_r1', 'https://c.example.test', 600)).toBe('saml_req__r1=1; Path=/v1/sso/saml/; Max-Age=600; HttpOnly; SameSite=None; Secure');
    expect(requestCookieHeader('_r1', 'http://127.0.0.1:3000', 600)).toBeNull();
  });

  it.each([
    ['saml_req__a=1; other=2; saml_req__b=1', 'https://c.example.test', ['_a', '_b']],
    [null, 'https://c.example.test', []],
    ['saml_req__a=1', 'http://127.0.0.1:3000', null],
  ])('%j over %s -> %j', (header, base, expected) => expect(browserRequestIdsOf(header, base)).toEqual(expected));
});
