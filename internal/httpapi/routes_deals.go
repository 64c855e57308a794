package httpapi

func (s *Server) registerDeals() {}
