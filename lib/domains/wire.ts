import { challengeRecordName, challengeValue, httpChallengeUrl } from './challenge';
import { describeCheck, type CheckResult } from './check-result';
import type { DomainView } from './manage';
import type { CheckResultWire, DomainWire } from './wire-schema';

/**
 * The domain object of the API: upstream's fields (challenge_token is the random part of the
 * value) plus ours: the record to publish, the HTTP alternative, and the last check.
 */
export function domainToWire({ domain, linkedMethodIds }: DomainView): DomainWire {
  const result = domain.lastCheckResult as CheckResult | null;
  return {
    domain_id: domain.id,
    domain_name: domain.domainName,
    organization_id: domain.organizationId,
    state: domain.state,
    verification_type: domain.verificationType,
    challenge_token: domain.challengeToken,
    linked_authentication_method_ids: linkedMethodIds,
    create_time: domain.createTime,
    // Ours.
    verified_time: domain.verifiedTime,
    challenge_record_name: challengeRecordName(domain.domainName),
    challenge_record_value: challengeValue(domain.challengeToken),
    http_challenge_url: httpChallengeUrl(domain.domainName),
    last_check_time: domain.lastCheckTime,
    last_check_result: result ? checkResultToWire(result) : null,
  };
}

export type WireDomain = DomainWire;

export function checkResultToWire(result: CheckResult): CheckResultWire {
  return {
    status: result.status,
    verification_type: result.verification_type,
    target: result.target,
    message: describeCheck(result),
    ...(result.records ? { records: result.records } : {}),
    ...(result.http_status !== undefined ? { http_status: result.http_status } : {}),
    ...(result.detail ? { detail: result.detail } : {}),
  };
}
