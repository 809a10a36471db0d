"""The probes of issue 13 (docs/world-model.md): the baseline, one change at a time.

    python scripts/world_model_probes.py [SAMPLES]
"""
import sys
import numpy as np
from recloop.engine import simulate
from recloop.scenario import load_scenario
from recloop.policy import load_policy
N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
base = load_scenario('baseline')


def run(changes=None, policy='none', n=N):
    sc = base
    if changes:
        d = base.model_dump()
        for path, v in changes.items():
            b, k = path.split('.')
            d[b][k] = v
        sc = type(base).model_validate(d)
    return simulate(sc, load_policy(policy), years=30, samples=n, seed=0).outcomes


def med(O, k):
    v = O[k].astype(float)
    return f"{np.nanmedian(v):.2f} ({np.mean(~np.isnan(v)):.0%})"


B = run()
print('baseline: a20', med(B,'t_automation_20'), 'sup', med(B,'t_superhuman'), 'takeoff_days', med(B,'takeoff_days'),
      'P(cat) mean %.3f' % B['p_catastrophe'].mean(), 'unverified %.3f' % B['unverified_takeoff'].mean(), 'unaligned %.3f' % B['unaligned_capability'].mean())
print('  compute p50/p99 log10 FLOP/s: %.1f / %.1f' % tuple(np.percentile(B['final_compute_flops'],[50,99])), 'peak GW p50/p99 %.0f/%.0f' % tuple(np.percentile(B['peak_power_gw'],[50,99])),
      'spend share p50/p99 %.3f/%.3f' % tuple(np.percentile(B['peak_spend_share'],[50,99])))
print('  binding', np.bincount(B['binding_limit'], minlength=4)/N, 'ceil power/fab/spend/eff', [round(B[k].mean(),3) for k in ('reached_power_ceiling','reached_fab_ceiling','reached_spend_ceiling','reached_efficiency_limit')])
for c in (1e27, 1e28):
    O = run({'compute.initial_training_flop': c})
    print('start', c, 'a20', med(O,'t_automation_20'), 'sup', med(O,'t_superhuman'))
for w in (2e31, 1e40):
    O = run({'generations.latency_wall_flop': w})
    print('wall', w, 'takeoff_days', med(O,'takeoff_days'), 'sup', med(O,'t_superhuman'))
for st in (0.5, 1.0, 2.0):
    O = run({'generations.step_oom': st})
    print('step', st, 'unaligned %.3f unverified %.3f sup %s' % (O['unaligned_capability'].mean(), O['unverified_takeoff'].mean(), med(O,'t_superhuman')))
O = run({'compute.investment_growth': 1.0, 'compute.price_performance_growth': 1.0, 'compute.fab_output_growth': 1.0, 'compute.power_growth':1.0, 'compute.efficiency_growth':1.0})
print('zero compute growth: software_oom at 10y? a20', med(O,'t_automation_20'))
for nu in (0.6, 0.9, 1.2, 1.6):
    O = run({'verification.required_exponent': nu})
    print('nu', nu, 'unverified %.3f' % O['unverified_takeoff'].mean())
