/** Stochastic gradient descent with momentum and weight decay, and learning-rate schedules by iteration. */
package org.resnet4j.optim;
