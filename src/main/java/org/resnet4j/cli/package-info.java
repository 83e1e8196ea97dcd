/** The command-line tool {@code resnet4j-cli.jar}: summary, infer, train, eval and bench. */
package org.resnet4j.cli;
