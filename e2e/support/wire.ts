// Fields of the API's token object (../shared/reference/aiven-api.md): avn's table output needs
// every one of them present, null or not.
export const TOKEN_FIELDS = [
  'create_time',
  'created_manually',
  'currently_active',
  'description',
  'expiry_time',
  'extend_when_used',
  'ip_allowlist',
  'last_ip',
  'last_used_time',
  'last_user_agent',
  'last_user_agent_human_readable',
  'max_age_seconds',
  'scopes',
  'token_prefix',
];
