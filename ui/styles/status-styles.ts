/**
 * How a run status looks wherever it shows (badge, count chips, filter toggles): a symbol,
 * a word and a colour per status, so status never rests on colour alone; pending's border
 * is dashed (not yet begun). Every other border is the same thin line: a thicker one read as
 * a pressed button on a chip that is not pressed.
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
  }
  .cancelled {
    color: var(--ath-cancelled);
  }
`;
