import type { WireToken } from '@/lib/tokens/wire';
import { Time } from '@/components/ui/time';

/**
 * When a token was last used, and from where: the address and the client it named (the full
 * user agent on hover). `wrap`: for narrow columns, the time may break between date and time
 * and the address anywhere.
 */
export function LastUsed({
  token,
  wrap = false,
}: {
  token: Pick<WireToken, 'last_used_time' | 'last_ip' | 'last_user_agent' | 'last_user_agent_human_readable'>;
  wrap?: boolean;
}) {
  return (
    <>
      <div data-testid="last-used" className={wrap ? undefined : 'whitespace-nowrap'}>
        <Time value={token.last_used_time} fallback="Never used" />
      </div>
      {token.last_ip ? (
        <div className="text-xs text-slate-500" title={token.last_user_agent ?? undefined}>
          <span className={wrap ? 'font-mono [overflow-wrap:anywhere]' : 'font-mono'}>{token.last_ip}</span>
          {token.last_user_agent_human_readable ? ` · ${token.last_user_agent_human_readable}` : null}
        </div>
      ) : null}
    </>
  );
}
