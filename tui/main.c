/* main.c: the amparo program: the full-screen interface for `amparo` and
 * `amparo FILE`, the command line for everything else. */
#include "cli.h"
#include "ui.h"

int main(int argc, char **argv)
{
	if (ui_wanted(argc, argv))
		return ui_main(argc, argv);
	return cli_main(argc, argv);
}
