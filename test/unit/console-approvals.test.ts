/** The web console's approvals logic (console/src/approvals.ts, issue 14): pure, so tested here. */
import { describe, expect, it } from 'vitest';
import {
  answerMessage,
  approvalButtons,
  costChange,
  isLive,
  settingValue,
} from '../../console/src/approvals.ts';

const waiting = { status: 'awaiting_approval' as const, requested_by: 'dev-1' };

describe('the console’s approval buttons', () => {
  it('offers an Administrator who did not ask Approve / Reject, and no Cancel', () => {
    // Arrange
    const admin = { user_id: 'admin-1', role: 'Administrators' as const };

    // Act
    const buttons = approvalButtons(admin, waiting);

    // Assert
    expect(buttons).toEqual({ answer: true, cancel: false });
  });

  it('offers the requester Cancel only, even an Administrator (the API answers 403 to their own approval)', () => {
    // Arrange
    const requester = { user_id: 'dev-1', role: 'Developers' as const };
    const adminRequester = { user_id: 'dev-1', role: 'Administrators' as const };

    // Act
    const buttons = [
      approvalButtons(requester, waiting),
      approvalButtons(adminRequester, waiting, ['dev-1']),
    ];

    // Assert
    expect(buttons).toEqual([
      { answer: false, cancel: true },
      { answer: false, cancel: true },
    ]);
  });

  it('offers a Developer Approve / Reject only when the project names them an approver', () => {
    // Arrange
    const developer = { user_id: 'dev-2', role: 'Developers' as const };

    // Act
    const named = approvalButtons(developer, waiting, ['dev-2']);
    const unnamed = approvalButtons(developer, waiting, ['dev-3']);

    // Assert
    expect(named).toEqual({ answer: true, cancel: false });
    expect(unnamed).toEqual({ answer: false, cancel: false });
  });

  it('offers nothing to a ReadOnly user, to nobody signed in, or once the operation no longer waits', () => {
    // Arrange
    const readOnly = { user_id: 'ro-1', role: 'ReadOnly' as const };
    const admin = { user_id: 'admin-1', role: 'Administrators' as const };
    const none = { answer: false, cancel: false };

    // Act
    const buttons = [
      approvalButtons(readOnly, waiting, ['ro-1']),
      approvalButtons(null, waiting),
      approvalButtons(admin, { ...waiting, status: 'running' }),
      approvalButtons({ ...admin, user_id: 'dev-1' }, { ...waiting, status: 'rejected' }),
    ];

    // Assert
    expect(buttons).toEqual([none, none, none, none]);
  });
});

describe('the console’s operation statuses', () => {
  it('keeps running and awaiting_approval live, and ends at rejected and expired like cancelled', () => {
    // Act
    const live = [
      'running',
      'awaiting_approval',
      'succeeded',
      'failed',
      'cancelled',
      'rejected',
      'expired',
    ].map((status) => `${status}:${isLive(status)}`);

    // Assert
    expect(live).toEqual([
      'running:true',
      'awaiting_approval:true',
      'succeeded:false',
      'failed:false',
      'cancelled:false',
      'rejected:false',
      'expired:false',
    ]);
  });
});

describe('the console’s approval texts', () => {
  it('says what an answer did, shows setting values and the cost before and after', () => {
    // Act
    const texts = [
      answerMessage('approve', 'destroy', 'shop-prod'),
      answerMessage('reject', 'update', 'shop-prod'),
      settingValue('t3.small'),
      settingValue(false),
      settingValue({ a: 1 }),
      settingValue(null),
      costChange({ monthly_cost_before_usd: 12.4, monthly_cost_after_usd: 0 }),
    ];

    // Assert
    expect(texts).toEqual([
      'Approved the destroy of shop-prod: it runs now.',
      'Rejected the update of shop-prod: nothing changed.',
      't3.small',
      'false',
      '{"a":1}',
      '—',
      '$12.40 → $0.00 / month',
    ]);
  });
});
