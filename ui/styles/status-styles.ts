/**
 * How a run status looks wherever it shows (badge, count chips): a symbol and a colour
 * per status, and a border that differs too, so status never rests on colour alone.
 */
import { css } from 'lit';
import type { RunStatus } from '../client/api-client.ts';

export const STATUS_SYMBOLS: Readonly<Record<RunStatus, string>> = {
  pending: '○',
  running: '◐',
  completed: '✓',
  failed: '✕',
  cancelled: '⊘',
};

/** `.pending` … `.cancelled`: colour and border style for an element with that class. */
export const statusStyles = css`
  .pending {
    color: var(--ath-pending);
    border-style: dashed;
  }
  .running {
    color: var(--ath-running);
  }
  .completed {
    color: var(--ath-completed);
  }
  .failed {
    color: var(--ath-failed);
    border-width: 2px;
  }
  .cancelled {
    color: var(--ath-cancelled);
  }
`;
