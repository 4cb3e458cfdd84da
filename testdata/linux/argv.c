/*
 * argv: the initial stack built by execve(2).
 *
 * execve(2): "argv is an array of pointers to strings passed to the new program
 * as its command-line arguments ... The argv array must be terminated by a null
 * pointer"; the same for envp. The program is run with an empty environment
 * (env -i), so envp[0] is NULL.
 */
#include "rt/rt.h"

int main(int argc, char **argv, char **envp)
{
	say_dec("argc", argc);
	for (int i = 0; i < argc; i++) {
		print("argv[");
		print_dec(i);
		print("] = \"");
		print(argv[i]);
		print("\" (length ");
		print_dec(strlen(argv[i]));
		print(")\n");
	}
	say_yes("argv[argc] == NULL", argv[argc] == 0);
	int n = 0;
	while (envp[n])
		n++;
	say_dec("envp entries", n);
	say_yes("envp follows argv's NULL", envp == argv + argc + 1);
	say_yes("stack pointer 16-byte aligned at entry (argv - 8)", (((unsigned long)argv - 8) & 15) == 0);
	return 0;
}
