/** The command-line tool {@code resnet4j-cli.jar}: summary, infer, train, eval, bench and export. */
package org.resnet4j.cli;
