/** The command-line tool {@code resnet4j-cli.jar}: summary, infer, train, eval, bench, export and convert. */
package org.resnet4j.cli;
