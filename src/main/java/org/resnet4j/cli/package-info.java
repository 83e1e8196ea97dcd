/**
 * The command-line tool {@code resnet4j-cli.jar}: summary, infer, train, eval, bench, export, convert, features,
 * figure6 and serve.
 */
package org.resnet4j.cli;
