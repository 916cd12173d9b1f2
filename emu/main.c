#include <stdio.h>
int main(void)
{
	puts("onoffice-emu " IMMO_VERSION);
	return 0;
}
