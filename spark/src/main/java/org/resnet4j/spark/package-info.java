/**
 * Synchronous data-parallel training of resnet4j models on Apache Spark: K barrier tasks each hold a replica and a
 * shard of the data, sum their gradients with a ring all-reduce over TCP, and apply the same SGD step.
 */
package org.resnet4j.spark;
