package dev.naturalness.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a run's prompts say about how far apart a prompt's candidates truly are, so that a
 * selection's certainty does not take the gaps between sampled estimates at face value (the
 * winner's curse: the top estimate is top partly by its own error).
 *
 * <p>Model: a prompt's candidates have true scores theta_i = mu + delta_i, mu unknown (flat), the
 * delta_i independent N(0, tau^2), and tau itself drawn per prompt from a distribution on a grid (a
 * scale mixture: some prompts' candidates nearly tie, others lie far apart). An estimate is x_i =
 * theta_i + e_i with e_i / s_i drawn from the {@link ErrorModel} (s_i its standard error). The
 * grid's weights are the maximum-likelihood mixture over a sample of the run's prompts (EM on each
 * prompt's likelihood of its candidates at each tau), so the prior is learnt from the run itself.
 * Given a prompt, each grid point's posterior weight and, under it, the candidates' posterior
 * beliefs (each error component shrunk towards mu by tau^2 / (tau^2 + its variance)) give the
 * certainty as the weighted P(best) ({@link SelectionCertainty#probabilityBest(double[], double[],
 * int, GapPrior)}).
 */
public final class GapPrior implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The grid: tau from a quarter to 20 times the sample's median error, 24 points, geometric
   * (neighbours 22% apart, finer than a few candidates can tell). Below a quarter of their errors
   * candidates tie for every purpose of selection, and a lower floor hurts: the maximum-likelihood
   * mixture is spiky, piles weight on its lowest point and reads near-ties as exact ones, so picks
   * among many near-tied candidates look less sure than they are (with a floor of 0.05 the
   * certainty of the least sure picks came to 0.17 where 0.29 agreed with exact). Above 20 errors a
   * pick is certain under any weight.
   */
  static final double LOWEST = 0.25;

  static final double HIGHEST = 20;
  static final int POINTS = 24;

  /** EM stops when no weight moves by more than this, or after {@link #ITERATIONS}. */
  private static final double TOLERANCE = 1e-7;

  private static final int ITERATIONS = 2000;

  /** The variance floor that keeps a prompt of exact candidates finite. */
  private static final double FLOOR = 1e-24;

  /** The grid's tau^2. */
  private final double[] spreads;

  private final double[] weights;
  private final ErrorModel errors;

  private GapPrior(double[] spreads, double[] weights, ErrorModel errors) {
    this.spreads = spreads;
    this.weights = weights;
    this.errors = errors;
  }

  /**
   * The prior fit to a sample of prompts.
   *
   * @param means per prompt, its candidates' estimates
   * @param errors per prompt, their standard errors (0: exact)
   * @param model how the estimates err against their standard errors ({@link ErrorModel#STATED}
   *     without an exact check)
   * @return null when no prompt has two candidates with an error (nothing to learn)
   */
  public static GapPrior fit(List<double[]> means, List<double[]> errors, ErrorModel model) {
    List<Integer> usable = new ArrayList<>();
    List<Double> scaled = new ArrayList<>();
    for (int p = 0; p < means.size(); p++) {
      if (means.get(p).length >= 2) {
        usable.add(p);
        for (double s : errors.get(p)) {
          if (s > 0) {
            scaled.add(Math.sqrt(model.variance()) * s);
          }
        }
      }
    }
    if (scaled.isEmpty()) {
      return null;
    }
    double unit = median(scaled);
    double[] spreads = new double[POINTS];
    for (int k = 0; k < POINTS; k++) {
      double tau = unit * LOWEST * Math.pow(HIGHEST / LOWEST, k / (double) (POINTS - 1));
      spreads[k] = tau * tau;
    }
    double[][] likelihood = new double[usable.size()][];
    for (int i = 0; i < usable.size(); i++) {
      int p = usable.get(i);
      likelihood[i] = relativeLikelihoods(means.get(p), errors.get(p), spreads, model);
    }
    return new GapPrior(spreads, mixture(likelihood), model);
  }

  /** The mixture weights that maximise the sample's likelihood (EM from uniform). */
  private static double[] mixture(double[][] likelihood) {
    int points = likelihood[0].length;
    double[] w = new double[points];
    Arrays.fill(w, 1.0 / points);
    for (int it = 0; it < ITERATIONS; it++) {
      double[] next = new double[points];
      for (double[] l : likelihood) {
        double total = 0;
        for (int k = 0; k < points; k++) {
          total += w[k] * l[k];
        }
        for (int k = 0; k < points; k++) {
          next[k] += w[k] * l[k] / total;
        }
      }
      double moved = 0;
      for (int k = 0; k < points; k++) {
        next[k] /= likelihood.length;
        moved = Math.max(moved, Math.abs(next[k] - w[k]));
      }
      w = next;
      if (moved < TOLERANCE) {
        break;
      }
    }
    return w;
  }

  public ErrorModel errorModel() {
    return errors;
  }

  /** The mean of tau over the mixture: how far apart a prompt's candidates typically are. */
  public double typicalSpread() {
    double t = 0;
    for (int k = 0; k < spreads.length; k++) {
      t += weights[k] * Math.sqrt(spreads[k]);
    }
    return t;
  }

  /** Each grid point's posterior weight given one prompt's candidates. */
  double[] posterior(double[] means, double[] errors) {
    double[] l = relativeLikelihoods(means, errors, spreads, this.errors);
    double total = 0;
    for (int k = 0; k < l.length; k++) {
      l[k] *= weights[k];
      total += l[k];
    }
    for (int k = 0; k < l.length; k++) {
      l[k] /= total;
    }
    return l;
  }

  /**
   * The candidates' posterior beliefs at one grid point: each a mixture over the error model's
   * components, each component shrunk towards mu by tau^2 / (tau^2 + its variance) and weighted by
   * how well it explains the candidate's distance from mu. mu is taken at its estimate (the
   * precision-weighted mean): its own uncertainty shifts every candidate alike where their errors
   * are alike, and so barely moves which is best.
   */
  SelectionCertainty.Belief[] shrunk(double[] means, double[] errors, int point) {
    double tau2 = spreads[point];
    double mu = centre(means, errors, tau2, this.errors);
    SelectionCertainty.Belief[] out = new SelectionCertainty.Belief[means.length];
    for (int i = 0; i < means.length; i++) {
      double[][] components = this.errors.components(errors[i]);
      double[] w = new double[components.length];
      double[] m = new double[components.length];
      double[] sd = new double[components.length];
      double total = 0;
      for (int c = 0; c < components.length; c++) {
        double v = Math.max(FLOOR, tau2 + square(components[c][2]));
        double r = means[i] - components[c][1] - mu;
        w[c] = components[c][0] * Math.exp(-0.5 * r * r / v) / Math.sqrt(v);
        total += w[c];
        double shrink = tau2 / v;
        m[c] = mu + shrink * r;
        sd[c] = Math.sqrt(shrink) * components[c][2];
      }
      for (int c = 0; c < components.length; c++) {
        w[c] = total > 0 ? w[c] / total : components[c][0];
      }
      out[i] = new SelectionCertainty.Belief(w, m, sd);
    }
    return out;
  }

  /** mu's estimate: the candidates less their mean error, weighted by their total precision. */
  private static double centre(double[] means, double[] errors, double tau2, ErrorModel model) {
    double precision = 0;
    double weighted = 0;
    for (int i = 0; i < means.length; i++) {
      double v = Math.max(FLOOR, tau2 + model.variance() * square(errors[i]));
      precision += 1 / v;
      weighted += (means[i] - model.mean() * errors[i]) / v;
    }
    return weighted / precision;
  }

  /** A prompt's likelihood at each grid point, relative to the largest. */
  private static double[] relativeLikelihoods(
      double[] means, double[] errors, double[] spreads, ErrorModel model) {
    double[] log = new double[spreads.length];
    double best = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < spreads.length; k++) {
      log[k] = logLikelihood(means, errors, spreads[k], model);
      best = Math.max(best, log[k]);
    }
    for (int k = 0; k < spreads.length; k++) {
      log[k] = Math.exp(log[k] - best);
    }
    return log;
  }

  /**
   * log p(x | tau^2) up to a constant, mu integrated out under a flat prior: each candidate's
   * mixture density at mu's estimate, and the integral's term from the total variances. For normal
   * errors as stated this is the exact marginal likelihood of the candidates' contrasts.
   */
  static double logLikelihood(double[] means, double[] errors, double tau2, ErrorModel model) {
    double mu = centre(means, errors, tau2, model);
    double precision = 0;
    double log = 0;
    for (int i = 0; i < means.length; i++) {
      precision += 1 / Math.max(FLOOR, tau2 + model.variance() * square(errors[i]));
      double density = 0;
      for (double[] c : model.components(errors[i])) {
        double r = means[i] - c[1] - mu;
        double v = Math.max(FLOOR, tau2 + square(c[2]));
        density += c[0] * Math.exp(-0.5 * r * r / v) / Math.sqrt(v);
      }
      log += Math.log(Math.max(density, Double.MIN_VALUE));
    }
    return log - 0.5 * Math.log(precision);
  }

  private static double square(double x) {
    return x * x;
  }

  private static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }
}
