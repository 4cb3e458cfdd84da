/*
 * start.S: the process entry point for the conformance programs.
 *
 * execve(2) / the ELF ABI: at _start the stack pointer points at argc (8 bytes),
 * followed by argv[0..argc-1], a NULL, envp[0..], a NULL, then the auxiliary
 * vector. There is no C library: we compute argc, argv and envp, call
 * main(argc, argv, envp) and pass its return value to exit_group(2).
 *
 * Linked with --no-relax, so no code uses gp and we need not set it.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	ld	a0, 0(sp)		/* a0 = argc */
	addi	a1, sp, 8		/* a1 = argv = sp + 8 */
	addi	t0, a0, 1		/* envp = argv + argc + 1 (skip the NULL) */
	slli	t0, t0, 3
	add	a2, a1, t0		/* a2 = envp */
	andi	sp, sp, -16		/* the psABI wants sp 16-byte aligned (Linux gives it so) */
	call	main
	li	a7, 94			/* exit_group(main's return value) */
	ecall
1:	j	1b			/* not reached */
	.size	_start, . - _start
