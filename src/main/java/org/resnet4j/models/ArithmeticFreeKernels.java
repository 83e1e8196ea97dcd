package org.resnet4j.models;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.resnet4j.kernels.BatchNormKernels;
import org.resnet4j.kernels.ConvolutionKernels;
import org.resnet4j.kernels.ElementwiseKernels;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.LinearKernels;
import org.resnet4j.kernels.LossKernels;
import org.resnet4j.kernels.PoolingKernels;
import org.resnet4j.kernels.ShortcutKernels;

/**
 * Kernels that compute nothing: every method returns at once, with zero, false, an empty array or null where it
 * returns something. A network built on them runs its own forward and backward code and so allocates exactly the
 * buffers a real pass allocates, without the arithmetic: that is how {@link MemoryEstimate} counts them. Dynamic
 * proxies rather than classes, so that a method added to a kernel interface needs no change here.
 */
final class ArithmeticFreeKernels {
    private ArithmeticFreeKernels() {
    }

    static Kernels create() {
        return new Kernels("arithmetic-free", 0, nothing(ConvolutionKernels.class), nothing(BatchNormKernels.class),
                nothing(ElementwiseKernels.class), nothing(PoolingKernels.class), nothing(LinearKernels.class),
                nothing(LossKernels.class), nothing(ShortcutKernels.class));
    }

    private static <T> T nothing(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answer(type, proxy, method, args)));
    }

    private static Object answer(Class<?> type, Object proxy, Method method, Object[] args) {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "arithmetic-free " + type.getSimpleName();
            };
        }
        Class<?> result = method.getReturnType();
        if (result == void.class) {
            return null;
        }
        if (result.isArray()) {
            return Array.newInstance(result.getComponentType(), 0);
        }
        // The zero of a primitive type, boxed as the proxy must return it: the element of a new one-element array.
        return result.isPrimitive() ? Array.get(Array.newInstance(result, 1), 0) : null;
    }
}
