package org.resnet4j.testing;

import java.util.IdentityHashMap;
import java.util.Map;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.GlobalAvgPool2d;
import org.resnet4j.nn.Linear;
import org.resnet4j.nn.MaxPool2d;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.Parameter;
import org.resnet4j.nn.ReLU;
import org.resnet4j.nn.ResidualBlock;
import org.resnet4j.nn.Sequential;
import org.resnet4j.nn.ZeroPadSubsample;
import org.resnet4j.models.ResNet;

/**
 * An independent double-precision forward pass of any resnet4j module tree, written from the definitions in NCHW,
 * in training mode (batch statistics; a frozen batch norm, one whose parameters do not train, its running statistics,
 * as resnet4j's training runs it). Parameters come from a map of double copies, so finite differences can
 * perturb them without touching the float model.
 */
public final class ReferenceForward {
    /** A double NCHW activation: values and dims {@code [N, C, H, W]} (rank 2 after pooling: {@code [N, C]}). */
    public record Activation(double[] values, int[] dims) {
    }

    private final Map<Parameter, double[]> parameters = new IdentityHashMap<>();

    /** Takes double copies of every parameter of {@code model}. */
    public ReferenceForward(Module model) {
        for (Parameter p : model.namedParameters().values()) {
            parameters.put(p, Approx.toDouble(p.value().data()));
        }
    }

    /** The double copy of {@code p}, which callers may perturb. */
    public double[] parameter(Parameter p) {
        return parameters.get(p);
    }

    public Activation run(Module module, Activation x) {
        return switch (module) {
            case Conv2d conv -> conv2d(x, parameter(conv.weight()), conv.bias() == null ? null : parameter(conv.bias()),
                    conv.outChannels(), conv.kernel(), conv.stride(), conv.padding());
            case BatchNorm2d bn when bn.frozen() -> frozenBatchNorm(x, parameter(bn.weight()), parameter(bn.bias()),
                    Approx.toDouble(bn.runningMean().data()), Approx.toDouble(bn.runningVar().data()), BatchNorm2d.EPS);
            case BatchNorm2d bn -> batchNorm(x, parameter(bn.weight()), parameter(bn.bias()), BatchNorm2d.EPS);
            case ReLU relu -> relu(x);
            case MaxPool2d pool -> maxPool(x, pool.window(), pool.stride(), pool.padding());
            case GlobalAvgPool2d pool -> globalAvgPool(x);
            case Linear linear -> linear(x, parameter(linear.weight()), parameter(linear.bias()), linear.outFeatures());
            case ZeroPadSubsample zp -> zeroPadSubsample(x, zp.outChannels(), zp.stride());
            case Sequential seq -> {
                Activation y = x;
                for (Module m : seq.modules()) {
                    y = run(m, y);
                }
                yield y;
            }
            case ResidualBlock block -> block(block, x);
            case ResNet net -> {
                Activation y = x;
                for (Module m : net.children().values()) {
                    y = run(m, y);
                }
                yield y;
            }
            default -> throw new IllegalArgumentException("no reference for " + module.getClass().getSimpleName());
        };
    }

    private Activation block(ResidualBlock block, Activation x) {
        Activation y = x;
        for (Module m : block.branch()) {
            y = run(m, y);
        }
        Activation s = switch (block.shortcutKind()) {
            case NONE -> null;
            case IDENTITY -> x;
            case MODULE -> run(block.shortcut(), x);
        };
        if (s != null) {
            double[] sum = y.values().clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += s.values()[i];
            }
            y = new Activation(sum, y.dims());
        }
        // The block's own output ReLU is its last registered child; both kinds end with it.
        return relu(y);
    }

    public static Activation conv2d(Activation x, double[] w, double[] b, int out, int k, int stride, int pad) {
        int n = x.dims()[0], c = x.dims()[1], h = x.dims()[2], wd = x.dims()[3];
        int oh = (h + 2 * pad - k) / stride + 1, ow = (wd + 2 * pad - k) / stride + 1;
        double[] y = new double[n * out * oh * ow];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        double sum = b == null ? 0 : b[o];
                        for (int ci = 0; ci < c; ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                int ih = p * stride + kh - pad;
                                if (ih < 0 || ih >= h) {
                                    continue;
                                }
                                for (int kw = 0; kw < k; kw++) {
                                    int iw = q * stride + kw - pad;
                                    if (iw >= 0 && iw < wd) {
                                        sum += w[((o * c + ci) * k + kh) * k + kw] * x.values()[((i * c + ci) * h + ih) * wd + iw];
                                    }
                                }
                            }
                        }
                        y[((i * out + o) * oh + p) * ow + q] = sum;
                    }
                }
            }
        }
        return new Activation(y, new int[] {n, out, oh, ow});
    }

    public static Activation batchNorm(Activation x, double[] gamma, double[] beta, double eps) {
        int n = x.dims()[0], c = x.dims()[1], plane = x.dims()[2] * x.dims()[3];
        double[] y = new double[x.values().length];
        for (int ch = 0; ch < c; ch++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < plane; p++) {
                    mean += x.values()[(i * c + ch) * plane + p];
                }
            }
            mean /= n * plane;
            double var = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < plane; p++) {
                    double d = x.values()[(i * c + ch) * plane + p] - mean;
                    var += d * d;
                }
            }
            var /= n * plane;
            double inv = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < plane; p++) {
                    int idx = (i * c + ch) * plane + p;
                    y[idx] = gamma[ch] * (x.values()[idx] - mean) * inv + beta[ch];
                }
            }
        }
        return new Activation(y, x.dims());
    }

    /** {@code gamma * (x - runningMean) / sqrt(runningVar + eps) + beta}: batch norm with fixed statistics. */
    public static Activation frozenBatchNorm(Activation x, double[] gamma, double[] beta, double[] runningMean,
                                             double[] runningVar, double eps) {
        int c = x.dims()[1], plane = x.dims()[2] * x.dims()[3];
        double[] y = new double[x.values().length];
        for (int idx = 0; idx < y.length; idx++) {
            int ch = idx / plane % c;
            y[idx] = gamma[ch] * (x.values()[idx] - runningMean[ch]) / Math.sqrt(runningVar[ch] + eps) + beta[ch];
        }
        return new Activation(y, x.dims());
    }

    public static Activation relu(Activation x) {
        double[] y = x.values().clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(0, y[i]);
        }
        return new Activation(y, x.dims());
    }

    public static Activation maxPool(Activation x, int window, int stride, int pad) {
        int n = x.dims()[0], c = x.dims()[1], h = x.dims()[2], w = x.dims()[3];
        int oh = (h + 2 * pad - window) / stride + 1, ow = (w + 2 * pad - window) / stride + 1;
        double[] y = new double[n * c * oh * ow];
        for (int i = 0; i < n * c; i++) {
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int a = 0; a < window; a++) {
                        for (int b = 0; b < window; b++) {
                            int ih = p * stride + a - pad, iw = q * stride + b - pad;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                best = Math.max(best, x.values()[(i * h + ih) * w + iw]);
                            }
                        }
                    }
                    y[(i * oh + p) * ow + q] = best;
                }
            }
        }
        return new Activation(y, new int[] {n, c, oh, ow});
    }

    public static Activation globalAvgPool(Activation x) {
        int n = x.dims()[0], c = x.dims()[1], plane = x.dims()[2] * x.dims()[3];
        double[] y = new double[n * c];
        for (int i = 0; i < n * c; i++) {
            double sum = 0;
            for (int p = 0; p < plane; p++) {
                sum += x.values()[i * plane + p];
            }
            y[i] = sum / plane;
        }
        return new Activation(y, new int[] {n, c});
    }

    public static Activation linear(Activation x, double[] w, double[] b, int out) {
        int n = x.dims()[0], in = x.dims()[1];
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double sum = b[o];
                for (int j = 0; j < in; j++) {
                    sum += x.values()[i * in + j] * w[o * in + j];
                }
                y[i * out + o] = sum;
            }
        }
        return new Activation(y, new int[] {n, out});
    }

    public static Activation zeroPadSubsample(Activation x, int outChannels, int stride) {
        int n = x.dims()[0], c = x.dims()[1], h = x.dims()[2], w = x.dims()[3];
        int oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
        double[] y = new double[n * outChannels * oh * ow];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        y[((i * outChannels + ch) * oh + p) * ow + q] = x.values()[((i * c + ch) * h + p * stride) * w + q * stride];
                    }
                }
            }
        }
        return new Activation(y, new int[] {n, outChannels, oh, ow});
    }

    /** Mean softmax cross-entropy of {@code logits [N, classes]}. */
    public static double crossEntropy(Activation logits, int[] labels) {
        int n = logits.dims()[0], classes = logits.dims()[1];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits.values()[i * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits.values()[i * classes + c] - max);
            }
            total += Math.log(sum) + max - logits.values()[i * classes + labels[i]];
        }
        return total / n;
    }
}
