import { describe, expect, it } from 'vitest';
import { PyExecError } from '../../src/core/errors.js';
import { Slot, SlotTransitionError } from '../../src/pool/slot.js';
import { FakeWorker } from './fake-worker.js';

describe('a slot, as a state machine', () => {
  it('goes empty → starting → idle → busy → idle → stopping → empty', () => {
    const slot = new Slot();
    const worker = new FakeWorker('plain');
    expect(slot.state).toBe('empty');
    slot.beginStart();
    expect([slot.state, slot.worker]).toEqual(['starting', undefined]);
    slot.attach(worker);
    expect([slot.state, slot.worker]).toEqual(['idle', worker]);
    expect(slot.send()).toBe(worker);
    expect(slot.state).toBe('busy');
    slot.finish();
    expect(slot.state).toBe('idle');
    expect(slot.stop()).toBe(worker);
    expect(slot.state).toBe('stopping');
    slot.detach();
    expect([slot.state, slot.worker]).toEqual(['empty', undefined]);
  });

  it('keeps its worker while the next generation starts (busy → starting → idle)', () => {
    const slot = new Slot();
    const worker = new FakeWorker('generations');
    slot.beginStart();
    slot.attach(worker);
    slot.send();
    slot.awaitNextGeneration();
    expect([slot.state, slot.worker]).toEqual(['starting', worker]);
    slot.generationReady();
    expect([slot.state, slot.worker]).toEqual(['idle', worker]);
  });

  it('goes back to empty when its start fails, keeping the error', () => {
    const slot = new Slot();
    slot.beginStart();
    const error = new PyExecError('WORKER_START_FAILED', 'no');
    slot.failStart(error);
    expect([slot.state, slot.lastStartError]).toEqual(['empty', error]);
  });

  it.each([
    ['send from empty', (slot: Slot) => slot.send()],
    ['finish from idle', (slot: Slot) => (slot.beginStart(), slot.attach(new FakeWorker('plain')), slot.finish())],
    ['attach from empty', (slot: Slot) => slot.attach(new FakeWorker('plain'))],
    ['a second start', (slot: Slot) => (slot.beginStart(), slot.beginStart())],
    ['a generation ready without a worker', (slot: Slot) => (slot.beginStart(), slot.generationReady())],
  ])('refuses a transition the diagram does not have: %s', (_name, transition) => {
    expect(() => transition(new Slot())).toThrow(SlotTransitionError);
  });
});
