import { describe, expect, it } from 'vitest';
import { ConfigError } from '@telfraud/common';
import { loadGeneratorConfig } from './config.js';
import { SCENARIO_NAMES } from './scenarios/scenario-catalog.js';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('loadGeneratorConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadGeneratorConfig(BASE);
    expect(c.rate).toBe(50);
    expect(c.httpPort).toBe(9103);
    expect(c.timeScale).toBe(1);
    expect(c.durationS).toBe(0);
    expect(c.scenarioList).toContain('ispoof');
    expect(c.scenarioList).toEqual(SCENARIO_NAMES);
    expect(c.callTopic).toBe('call-events');
  });

  it('parses scenarios and per-scenario parameters', () => {
    const c = loadGeneratorConfig({ ...BASE, GENERATOR_SCENARIOS: 'low-and-slow,ispoof', GENERATOR_SCENARIO_PARAMS: 'ispoof.intensity=2,ispoof.start=90s' });
    expect(c.scenarioList).toEqual(['ispoof', 'low-and-slow']);
    expect(c.params.get('ispoof')).toEqual({ intensity: 2, startMs: 90_000 });
  });

  it('reports every bad key at once', () => {
    let error: unknown;
    try {
      loadGeneratorConfig({ ...BASE, GENERATOR_RATE: 'fast', GENERATOR_SCENARIOS: 'ispoof,bogus', GENERATOR_TIME_SCALE: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const envs = (error as ConfigError).problems.map((p) => p.env);
    expect(envs).toEqual(expect.arrayContaining(['GENERATOR_RATE', 'GENERATOR_TIME_SCALE']));
    // Scenario names are checked only once the basic parse succeeded.
    const again = (() => {
      try {
        loadGeneratorConfig({ ...BASE, GENERATOR_SCENARIOS: 'ispoof,bogus', GENERATOR_SCENARIO_PARAMS: 'x.start=1' });
      } catch (err) {
        return err as ConfigError;
      }
      return undefined;
    })();
    expect(again?.problems.map((p) => p.env)).toEqual(['GENERATOR_SCENARIOS', 'GENERATOR_SCENARIO_PARAMS']);
    expect(again?.message).toContain('bogus');
  });
});
